using Microsoft.Extensions.Time.Testing;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Runs;
using OneOff.Dashboard.Tests.Runs;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Model;

/// <summary>The run list's page in the view model: the query string's page, its bounds, and live updates of the visible page.</summary>
public sealed class RunListViewModelPagingTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(RunListSeed.T0.AddDays(5));
    private RunsHarness _harness = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _harness = await new RunsHarness(_folder.Path, _time, new ScriptedJobRunner(_time), maxConcurrent: 0).StartAsync();
        // The start's reconciliation and adoption pass run in the background: seeded after them, a Running seed is
        // not taken for a run the dashboard lost (measured: one fresh-clone run found it Failed).
        await Runs.RunAdoptionTests.UntilStartPassEndedAsync(_harness.Get<RunAdoption>());
        await RunListSeed.AddAsync(_harness.Store, 30, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        _folder.Dispose();
    }

    private RunListViewModel NewViewModel() => new(_harness.Runs, _harness.Commands, _harness.Get<RunLimits>(), _harness.Get<OneOff.Core.Compute.IJobRunner>(), _time);

    private async Task<RunListViewModel> ShowingAsync(RunListArguments arguments)
    {
        var vm = NewViewModel();
        await vm.ShowAsync(RunListQuery.Parse(arguments, _time.GetUtcNow().UtcDateTime), Ct);
        return vm;
    }

    private async Task<RunSnapshot> AddAsync(string id, RunState state, int minutesAfterT0, int? bestN = null) =>
        await _harness.Store.AddIfAbsentAsync(RunListSeed.Record(id, "dave", RunListSeed.T0.AddMinutes(minutesAfterT0), state, bestN: bestN), Ct)
        ?? throw new InvalidOperationException($"Run {id} exists.");

    [Fact]
    public async Task ShowAsync_PageTwo_SaysWhereItIs()
    {
        var vm = await ShowingAsync(new RunListArguments(Page: "2"));

        Assert.Equal((2, 2, 30, 5), (vm.Query.Page, vm.PageCount, vm.Total, vm.Runs.Count));
        Assert.Equal("26–30 of 30", vm.RangeText);
        Assert.Equal([1, 2], vm.PageLinks);
        Assert.Empty(vm.Notices);
    }

    [Fact]
    public async Task ShowAsync_PagePastTheEnd_ShowsTheLastPageAndSaysSo()
    {
        var vm = await ShowingAsync(new RunListArguments(Page: "99"));

        Assert.Equal(2, vm.Query.Page);
        Assert.Equal(5, vm.Runs.Count);
        Assert.Equal("There is no page 99: there are 2 pages, this is page 2.", Assert.Single(vm.Notices));
    }

    [Fact]
    public async Task ShowAsync_BadValues_ShowTheDefaultListWithTheirNotices()
    {
        var vm = await ShowingAsync(new RunListArguments(Page: "abc", Sort: "nonsense", State: "done"));

        Assert.Equal(RunListQuery.Default, vm.Query);
        Assert.Equal(RunListQuery.PageSize, vm.Runs.Count);
        Assert.Equal(3, vm.Notices.Count);
    }

    [Fact]
    public async Task Apply_NewRunNewestFirst_GoesOnTopOfPageOne()
    {
        var vm = await ShowingAsync(new RunListArguments());
        var lastShown = vm.Runs[^1].Id;

        var run = await AddAsync("20261106-000000-newr", RunState.Queued, 60 * 24 * 5);
        var changed = vm.Apply(new RunChange(run.Id, run));

        Assert.True(changed);
        Assert.Equal(run.Id, vm.Runs[0].Id);
        Assert.Equal(RunListQuery.PageSize, vm.Runs.Count);
        Assert.DoesNotContain(vm.Runs, r => r.Id == lastShown);
        Assert.Equal(31, vm.Total);
        Assert.False(vm.ListChanged);
    }

    [Fact]
    public async Task Apply_RunOnThePage_IsUpdatedInPlace()
    {
        var vm = await ShowingAsync(new RunListArguments());
        var running = vm.Runs.First(r => r.State == RunState.Running);

        var updated = await _harness.Store.UpdateAsync(running.Id, r => r.MarkFailed(_time.GetUtcNow().UtcDateTime, "exited with code 3: out of memory"), Ct);
        Assert.NotNull(updated);
        var changed = vm.Apply(new RunChange(updated.Id, updated));

        Assert.True(changed);
        var shown = vm.Runs.Single(r => r.Id == running.Id);
        Assert.Equal(RunState.Failed, shown.State);
        Assert.Equal("exited with code 3: out of memory", RunFormat.ReasonLine(shown.Error));
        Assert.False(vm.ListChanged);
    }

    [Fact]
    public async Task Apply_RunNoLongerMatchingTheFilter_LeavesThePageAndAsksForARefresh()
    {
        var vm = await ShowingAsync(new RunListArguments(State: "running"));
        var running = Assert.Single(vm.Runs);

        var updated = await _harness.Store.UpdateAsync(running.Id, r => r.MarkSucceeded(_time.GetUtcNow().UtcDateTime, 30, StoredProgress.Of([])), Ct);
        Assert.NotNull(updated);
        var changed = vm.Apply(new RunChange(updated.Id, updated));

        Assert.True(changed);
        Assert.Empty(vm.Runs);
        Assert.Equal(0, vm.Total);
        Assert.True(vm.ListChanged);
    }

    [Fact]
    public async Task Apply_NewRunUnderAnotherSort_AsksForARefreshThatShowsIt()
    {
        var vm = await ShowingAsync(new RunListArguments(Sort: "best"));
        var before = vm.Runs.Select(r => r.Id).ToList();

        var run = await AddAsync("20261106-000000-best", RunState.Succeeded, 60 * 24 * 5, bestN: 1);
        var changed = vm.Apply(new RunChange(run.Id, run));

        Assert.True(changed);
        Assert.True(vm.ListChanged);
        Assert.Equal(before, vm.Runs.Select(r => r.Id));

        await vm.RefreshAsync(Ct);

        Assert.False(vm.ListChanged);
        Assert.Equal(run.Id, vm.Runs[0].Id);
    }

    [Fact]
    public async Task Apply_ChangeOfARunOnAnotherPageOrFilteredOut_ChangesNothing()
    {
        var pageOne = await ShowingAsync(new RunListArguments());
        var failedOnly = await ShowingAsync(new RunListArguments(State: "failed"));
        var pageTwo = await ShowingAsync(new RunListArguments(Page: "2"));
        var onPageTwo = pageTwo.Runs[0];
        var queued = pageOne.Runs.First(r => r.State == RunState.Queued);

        Assert.False(pageOne.Apply(new RunChange(onPageTwo.Id, onPageTwo with { BestNHidden = 7 })));
        Assert.False(failedOnly.Apply(new RunChange(queued.Id, queued with { State = RunState.Starting })));
        Assert.False(pageOne.ListChanged || failedOnly.ListChanged);
    }

    [Fact]
    public async Task Apply_DeletedRunOnThePage_LeavesIt()
    {
        var vm = await ShowingAsync(new RunListArguments(Page: "2"));
        var gone = vm.Runs[0];

        var changed = vm.Apply(new RunChange(gone.Id, null));

        Assert.True(changed);
        Assert.DoesNotContain(vm.Runs, r => r.Id == gone.Id);
        Assert.Equal(29, vm.Total);
    }
}
