using Microsoft.Extensions.Time.Testing;
using OneOff.Core.Runs;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Tests.Model;

public sealed class RunNoticesViewModelTests
{
    private const string Me = "alice";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    [Fact]
    public void Apply_MyRunSucceeds_OneNoticeWithTheBestSizeAndALink()
    {
        var vm = Watching();

        var changed = vm.Apply(Change(Finished("20260301-120000-aaaa", RunState.Succeeded, best: 30)));

        Assert.True(changed);
        var notice = Assert.Single(vm.Notices);
        Assert.Equal("Run 20260301-120000-aaaa succeeded — best N 30.", notice.Text);
        Assert.Equal("runs/20260301-120000-aaaa", notice.Href);
        Assert.Equal(RunState.Succeeded, notice.Outcome);
    }

    [Fact]
    public void Apply_MyRunFailsOrIsCancelled_SaysHowWithTheReasonCut()
    {
        var vm = Watching();
        var reason = "exited with code 1: " + new string('x', 400);

        vm.Apply(Change(Finished("20260301-120000-fail", RunState.Failed, error: reason)));
        vm.Apply(Change(Finished("20260301-120000-canc", RunState.Cancelled)));

        Assert.Equal("Run 20260301-120000-canc was cancelled.", vm.Notices[0].Text);
        var failed = vm.Notices[1].Text;
        Assert.StartsWith("Run 20260301-120000-fail failed: exited with code 1: xxx", failed, StringComparison.Ordinal);
        Assert.EndsWith("…", failed, StringComparison.Ordinal);
        Assert.True(failed.Length < reason.Length);
    }

    [Fact]
    public void Apply_OthersRunsActiveRunsAndAdoptedRuns_NoNotice()
    {
        var vm = Watching();

        Assert.False(vm.Apply(Change(Finished("20260301-120000-bobs", RunState.Succeeded) with { CreatedBy = "bob" })));
        Assert.False(vm.Apply(Change(Finished("20260301-120000-cli1", RunState.Succeeded) with { CreatedBy = RunRecord.OutsideTheDashboard })));
        Assert.False(vm.Apply(Change(Finished("20260301-120000-runs", RunState.Running) with { FinishedUtc = null })));
        Assert.False(vm.Apply(Change(Finished("20260301-120000-qued", RunState.Queued) with { FinishedUtc = null })));
        Assert.Empty(vm.Notices);
    }

    [Fact]
    public void Apply_RunThatEndedBeforeWatching_NoNotice()
    {
        var ended = Finished("20260301-115900-old1", RunState.Succeeded);
        _time.Advance(TimeSpan.FromMinutes(5));
        var vm = Watching();

        // A later save of a run that ended long ago (its page found damage, say) is no news.
        Assert.False(vm.Apply(Change(ended with { OutputsDamaged = "the metrics cannot be read" })));
        Assert.Empty(vm.Notices);
    }

    [Fact]
    public void Apply_SameRunSavedAgain_StillOneNotice()
    {
        var vm = Watching();
        var run = Finished("20260301-120000-twic", RunState.Succeeded, best: 5);

        vm.Apply(Change(run));
        var again = vm.Apply(Change(run with { OutputsDamaged = "the loss curves cannot be read" }));

        Assert.False(again);
        Assert.Single(vm.Notices);
    }

    [Fact]
    public void Apply_MoreThanFew_KeepsTheNewestFirst()
    {
        var vm = Watching();
        var ids = Enumerable.Range(1, RunNoticesViewModel.MaxShown + 2).Select(i => $"20260301-120000-run{i}").ToArray();

        foreach (var id in ids)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            vm.Apply(Change(Finished(id, RunState.Succeeded)));
        }

        Assert.Equal(ids.Reverse().Take(RunNoticesViewModel.MaxShown), vm.Notices.Select(n => n.RunId));
    }

    [Fact]
    public void Apply_RunWhosePageIsOpen_NoNoticeThereNorLater()
    {
        var vm = Watching();
        var run = Finished("20260301-120000-here", RunState.Succeeded);

        var onItsPage = vm.Apply(Change(run), currentRunId: run.Id);
        var elsewhere = vm.Apply(Change(run), currentRunId: null);

        Assert.False(onItsPage);
        Assert.False(elsewhere);
        Assert.Empty(vm.Notices);
    }

    [Fact]
    public void DismissAndDeletion_RemoveTheirNoticeOnly()
    {
        var vm = Watching();
        vm.Apply(Change(Finished("20260301-120000-one1", RunState.Succeeded)));
        vm.Apply(Change(Finished("20260301-120000-two2", RunState.Failed, error: "interrupted")));
        vm.Apply(Change(Finished("20260301-120000-thr3", RunState.Cancelled)));

        var dismissed = vm.Dismiss("20260301-120000-two2");
        var deleted = vm.Apply(new RunChange("20260301-120000-one1", null));
        var unknown = vm.Dismiss("20260301-120000-none");

        Assert.True(dismissed);
        Assert.True(deleted);
        Assert.False(unknown);
        Assert.Equal(["20260301-120000-thr3"], vm.Notices.Select(n => n.RunId));
    }

    [Fact]
    public void Apply_NotWatching_NoNotice()
    {
        var vm = new RunNoticesViewModel(_time);

        Assert.False(vm.Apply(Change(Finished("20260301-120000-anon", RunState.Succeeded))));
    }

    [Fact]
    public void MayMatter_OnlyEndsAndDeletions()
    {
        Assert.True(RunNoticesViewModel.MayMatter(Change(Finished("20260301-120000-done", RunState.Succeeded))));
        Assert.True(RunNoticesViewModel.MayMatter(new RunChange("20260301-120000-gone", null)));
        Assert.False(RunNoticesViewModel.MayMatter(Change(Finished("20260301-120000-busy", RunState.Running) with { FinishedUtc = null })));
    }

    private RunNoticesViewModel Watching()
    {
        var vm = new RunNoticesViewModel(_time);
        vm.Watch(Me);
        return vm;
    }

    private static RunChange Change(RunSnapshot run) => new(run.Id, run);

    private RunSnapshot Finished(string id, RunState state, int? best = null, string? error = null) =>
        new(id, state, Me, Now.AddMinutes(-1), Now.AddMinutes(-1), Now, new RunParameters { RunId = id }, [], best, error);
}
