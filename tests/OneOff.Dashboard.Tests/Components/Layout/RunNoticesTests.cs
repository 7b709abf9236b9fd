using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OneOff.Core.Runs;
using OneOff.Dashboard.Components.Layout;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Tests.Components.Layout;

/// <summary>The run-finished notices of the layout, fed by the real run feed.</summary>
public sealed class RunNoticesTests : BunitContext
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RunFeed _feed = new(NullLogger<RunFeed>.Instance);

    public RunNoticesTests()
    {
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton<TimeProvider>(_time);
        // The store is never asked here: the notices only listen to the feed.
        Services.AddDbContextFactory<DashboardDbContext>(db => db.UseSqlite("Data Source=:memory:"));
        Services.AddSingleton(_feed);
        Services.AddSingleton<RunStore>();
        Services.AddSingleton<RunQueries>();
        Services.AddTransient<RunNoticesViewModel>();
        AddAuthorization().SetAuthorized("alice");
    }

    [Fact]
    public void MyRunEnds_ANoticeInAPoliteStatusRegionWithALinkThatDismisses()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var notices = Render<RunNotices>();
        var region = notices.Find(".run-notices");

        _feed.Publish(Finished("20260301-120000-mine", "alice", RunState.Succeeded, best: 30));

        notices.WaitForAssertion(() => Assert.Single(notices.FindAll(".run-notice")));
        Assert.Equal("status", region.GetAttribute("role"));
        Assert.Equal("polite", region.GetAttribute("aria-live"));
        Assert.Equal("Run 20260301-120000-mine succeeded — best N 30. Open it", notices.Find(".run-notice-text").TextContent.Trim());
        Assert.Equal("runs/20260301-120000-mine", notices.Find(".run-notice a").GetAttribute("href"));
        notices.Find(".run-notice-dismiss").Click();
        Assert.Empty(notices.FindAll(".run-notice"));
    }

    [Fact]
    public void SomeoneElsesRunEndsOrMyRunProgresses_NoNotice()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var notices = Render<RunNotices>();

        _feed.Publish(Finished("20260301-120000-bobs", "bob", RunState.Succeeded));
        _feed.Publish(Finished("20260301-120000-busy", "alice", RunState.Running) with { FinishedUtc = null });
        _feed.Publish(Finished("20260301-120000-last", "alice", RunState.Cancelled));

        notices.WaitForAssertion(() => Assert.Single(notices.FindAll(".run-notice")));
        Assert.Contains("20260301-120000-last was cancelled", notices.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void OnTheRunsOwnPage_NoNoticeForIt()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Services.GetRequiredService<NavigationManager>().NavigateTo("runs/20260301-120000-here");
        var notices = Render<RunNotices>();

        _feed.Publish(Finished("20260301-120000-here", "alice", RunState.Succeeded));
        _feed.Publish(Finished("20260301-120000-away", "alice", RunState.Failed));

        notices.WaitForAssertion(() => Assert.Single(notices.FindAll(".run-notice")));
        Assert.Contains("20260301-120000-away failed", notices.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Prerendered_DoesNotListen()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var notices = Render<RunNotices>();

        _feed.Publish(Finished("20260301-120000-mine", "alice", RunState.Succeeded));
        notices.Render();

        Assert.Empty(notices.FindAll(".run-notice"));
        Assert.Single(notices.FindAll(".run-notices"));
    }

    [Fact]
    public async Task Disposed_StopsListening()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Render<RunNotices>();
        var whileShown = Listeners();

        await DisposeComponentsAsync();

        Assert.Equal(1, whileShown);
        Assert.Equal(0, Listeners());
    }

    /// <summary>How many handlers the feed's Changed event has (its compiler-made field).</summary>
    private int Listeners() =>
        (typeof(RunFeed).GetField(nameof(RunFeed.Changed), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)?.GetValue(_feed) as Delegate)
            ?.GetInvocationList().Length ?? 0;

    private RunSnapshot Finished(string id, string by, RunState state, int? best = null)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return new RunSnapshot(id, state, by, now, now, now, new RunParameters { RunId = id }, [], best, state == RunState.Failed ? "exited with code 1" : null);
    }
}
