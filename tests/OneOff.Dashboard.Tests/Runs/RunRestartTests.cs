using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Core.Compute;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Runs;

/// <summary>
/// Stops the app in the middle of a run and starts it again on the same data root. The job is paused (SIGSTOP)
/// before the app stops, so that what happens while the app is away does not depend on how fast the job is.
/// </summary>
public sealed class RunRestartTests
{
    [Fact]
    public async Task Restart_JobStillRunning_ReattachesAndFollowsItToSucceeded()
    {
        using var folder = new TempFolder();
        var (runId, handle) = await StartPausedRunAndStopAsync(folder.Path);
        Assert.True(LocalJobProcesses.IsAlive(handle), "the job outlives the app");

        await using var app = new DashboardApp(folder.Path);
        _ = app.Server;
        var reattached = await app.Runs.GetAsync(runId, TestContext.Current.CancellationToken);
        await SignalAsync("CONT", handle);
        var done = await RunWaits.StateAsync(app.Runs, runId, RunState.Succeeded, RunState.Failed);

        Assert.Equal(RunState.Running, reattached?.State);
        Assert.Equal(RunState.Succeeded, done.State);
        Assert.NotNull(done.BestNHidden);
        Assert.All(done.Sizes, s => Assert.True(s.Done && s.Metrics is not null));
    }

    [Fact]
    public async Task Restart_ReattachedJob_CanBeCancelled()
    {
        using var folder = new TempFolder();
        var (runId, handle) = await StartPausedRunAndStopAsync(folder.Path);

        await using var app = new DashboardApp(folder.Path);
        _ = app.Server;
        var admin = await app.PrincipalAsync("admin");
        var cancelled = await app.Commands.CancelAsync(admin, runId, TestContext.Current.CancellationToken);
        var run = await RunWaits.StateAsync(app.Runs, runId, RunState.Cancelled, RunState.Succeeded, RunState.Failed);

        Assert.True(cancelled.Succeeded, cancelled.Refusal);
        Assert.Equal(RunState.Cancelled, run.State);
        Assert.False(LocalJobProcesses.IsAlive(handle));
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "runs", runId)));
    }

    [Fact]
    public async Task Restart_JobPublishedWhileAway_MarksSucceeded()
    {
        using var folder = new TempFolder();
        var (runId, handle) = await StartPausedRunAndStopAsync(folder.Path);
        await SignalAsync("CONT", handle);
        await WaitUntilDeadAsync(handle);

        await using var app = new DashboardApp(folder.Path);
        _ = app.Server;
        var run = await RunWaits.StateAsync(app.Runs, runId, RunState.Succeeded, RunState.Failed);

        Assert.Equal(RunState.Succeeded, run.State);
        Assert.NotNull(run.BestNHidden);
        Assert.All(run.Sizes, s => Assert.True(s.Done && s.Metrics is not null));
    }

    [Fact]
    public async Task Restart_JobDiedWhileAway_MarksFailedInterrupted()
    {
        using var folder = new TempFolder();
        var (runId, handle) = await StartPausedRunAndStopAsync(folder.Path);
        var stopped = TimeProvider.System.GetUtcNow().UtcDateTime;
        await SignalAsync("KILL", handle);
        await WaitUntilDeadAsync(handle);
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        await using var app = new DashboardApp(folder.Path);
        _ = app.Server;
        var run = await RunWaits.StateAsync(app.Runs, runId, RunState.Succeeded, RunState.Failed);

        Assert.Equal(RunState.Failed, run.State);
        Assert.StartsWith("interrupted", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "runs", runId)), "the interrupted run's partial outputs are removed");
        Assert.NotNull(run.FinishedUtc);
        Assert.True(run.FinishedUtc <= stopped, $"an interrupted run ends when its job was last seen ({run.FinishedUtc:O}), not after the dashboard was away ({stopped:O})");
    }

    [Fact]
    public async Task Restart_SignedInUser_StaysSignedIn()
    {
        using var folder = new TempFolder();
        string cookie;
        await using (var first = new DashboardApp(folder.Path))
        {
            using var client = first.Client();
            using var login = await DashboardApp.LogInAsync(client, "admin", DashboardApp.AdminPassword);
            cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("oneoff.auth=", StringComparison.Ordinal)).Split(';')[0];
        }

        await using var second = new DashboardApp(folder.Path);
        using var again = second.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        using var response = await again.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Directory.EnumerateFiles(Path.Combine(folder.Path, "keys"), "key-*.xml").Any());
    }

    /// <summary>Starts a run, pauses its job once it runs, and stops the app (the job's record keeps its handle).</summary>
    private static async Task<(string RunId, JobHandle Handle)> StartPausedRunAndStopAsync(string dataRoot)
    {
        await using var app = new DashboardApp(dataRoot) { CancelRunsOnDispose = false };
        var user = await app.PrincipalAsync("admin");
        var run = (await app.Commands.SubmitAsync(user, RunForms.Medium(), RunForms.Key(), TestContext.Current.CancellationToken)).Run!;
        await RunWaits.StateAsync(app.Runs, run.Id, RunState.Running);
        var factory = app.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>();
        await using var db = await factory.CreateDbContextAsync(TestContext.Current.CancellationToken);
        var record = await db.Runs.SingleAsync(r => r.Id == run.Id, TestContext.Current.CancellationToken);
        var handle = JobHandle.TryParse(record.RunnerHandle) ?? throw new InvalidOperationException("A running run has a handle.");
        await SignalAsync("STOP", handle);
        return (run.Id, handle);
    }

    private static async Task SignalAsync(string signal, JobHandle handle)
    {
        var pid = int.Parse(handle.Id.AsSpan(0, handle.Id.IndexOf('@', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, kill.ExitCode);
    }

    private static async Task WaitUntilDeadAsync(JobHandle handle)
    {
        var deadline = Stopwatch.StartNew();
        while (LocalJobProcesses.IsAlive(handle))
        {
            Assert.True(deadline.Elapsed < RunWaits.Timeout, "the job did not end");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
