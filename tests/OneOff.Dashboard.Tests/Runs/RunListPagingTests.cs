using Microsoft.Extensions.Time.Testing;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Runs;

/// <summary>Sixty run records in a real SQLite store, read a page at a time: filtered, sorted and paged in the database.</summary>
public sealed class RunListPagingFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new();

    internal RunsHarness Harness { get; private set; } = null!;

    internal IReadOnlyList<RunSnapshot> All { get; private set; } = [];

    public FakeTimeProvider Time { get; } = new(RunListSeed.T0.AddDays(5));

    public DateTime Now => Time.GetUtcNow().UtcDateTime;

    public async ValueTask InitializeAsync()
    {
        // No run starts (MaxConcurrent 0): the queued seed stays queued.
        Harness = await new RunsHarness(_folder.Path, Time, new ScriptedJobRunner(Time), maxConcurrent: 0).StartAsync();
        // The start's reconciliation and adoption pass run in the background: seeded after them, a Running seed is
        // not taken for a run the dashboard lost (measured: one fresh-clone run found it Failed).
        await RunAdoptionTests.UntilStartPassEndedAsync(Harness.Get<RunAdoption>());
        All = await RunListSeed.AddAsync(Harness.Store, 60, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.DisposeAsync();
        _folder.Dispose();
    }
}

public sealed class RunListPagingTests(RunListPagingFixture fixture) : IClassFixture<RunListPagingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RunQueries Runs => fixture.Harness.Runs;

    private async Task<List<RunSnapshot>> AllPagesAsync(RunListQuery query)
    {
        var first = await Runs.PageAsync(query with { Page = 1 }, fixture.Now, Ct);
        var runs = new List<RunSnapshot>(first.Runs);
        for (var page = 2; page <= first.PageCount; page++)
        {
            var next = await Runs.PageAsync(query with { Page = page }, fixture.Now, Ct);
            Assert.Equal(first.Total, next.Total);
            runs.AddRange(next.Runs);
        }

        Assert.Equal(first.Total, runs.Count);
        return runs;
    }

    private List<string> Expected(RunListQuery query) =>
        [.. fixture.All.Where(query.Matches).Order(Comparer<RunSnapshot>.Create((a, b) => query.Compare(a, b, fixture.Now))).Select(r => r.Id)];

    [Theory]
    [InlineData(RunSort.Created, true)]
    [InlineData(RunSort.Created, false)]
    [InlineData(RunSort.Duration, true)]
    [InlineData(RunSort.Duration, false)]
    [InlineData(RunSort.BestN, true)]
    [InlineData(RunSort.BestN, false)]
    [InlineData(RunSort.State, true)]
    [InlineData(RunSort.State, false)]
    public async Task PageAsync_EverySort_PagesThroughEveryRunInTheListsOrder(RunSort sort, bool descending)
    {
        var query = RunListQuery.Default with { Sort = sort, Descending = descending };

        var runs = await AllPagesAsync(query);

        Assert.Equal(fixture.All.Count, runs.Count);
        Assert.Equal(Expected(query), runs.Select(r => r.Id));
    }

    [Fact]
    public async Task PageAsync_Default_IsNewestFirst()
    {
        var page = await Runs.PageAsync(RunListQuery.Default, fixture.Now, Ct);

        Assert.Equal(RunListQuery.PageSize, page.Runs.Count);
        Assert.Equal(fixture.All.Max(r => r.CreatedUtc), page.Runs[0].CreatedUtc);
        Assert.True(page.Runs.Zip(page.Runs.Skip(1)).All(p => p.First.CreatedUtc > p.Second.CreatedUtc));
    }

    [Fact]
    public async Task PageAsync_ByDuration_CountsARunningRunToNowAndPutsUnstartedLast()
    {
        var longest = await Runs.PageAsync(RunListQuery.Default with { Sort = RunSort.Duration, Descending = true }, fixture.Now, Ct);
        var shortest = await AllPagesAsync(RunListQuery.Default with { Sort = RunSort.Duration, Descending = false });

        // The running run started days ago: longer than any finished one (at most 50 minutes).
        Assert.Equal(RunState.Running, longest.Runs[0].State);
        Assert.Equal(RunState.Queued, shortest[^1].State);
        Assert.Null(shortest[^1].StartedUtc);
        var durations = shortest.Where(r => r.StartedUtc is not null).Select(r => r.Duration(fixture.Now)!.Value).ToList();
        Assert.Equal(durations.Order(), durations);
    }

    [Fact]
    public async Task PageAsync_ByBestN_SmallestFirstAndRunsWithoutOneLast()
    {
        var runs = await AllPagesAsync(RunListQuery.Default with { Sort = RunSort.BestN, Descending = false });

        var withBest = runs.TakeWhile(r => r.BestNHidden is not null).ToList();
        Assert.Equal(fixture.All.Count(r => r.BestNHidden is not null), withBest.Count);
        Assert.All(runs.Skip(withBest.Count), r => Assert.Null(r.BestNHidden));
        Assert.Equal(withBest.Select(r => r.BestNHidden).Order(), withBest.Select(r => r.BestNHidden));
        Assert.Equal(RunListSeed.BestValues.Min(), runs[0].BestNHidden);
    }

    [Fact]
    public async Task PageAsync_ByState_WaitingAndActiveFirst()
    {
        var page = await Runs.PageAsync(RunListQuery.Default with { Sort = RunSort.State, Descending = false }, fixture.Now, Ct);

        Assert.Equal([RunState.Queued, RunState.Running, RunState.Cancelling, RunState.Succeeded], page.Runs.Take(4).Select(r => r.State));
    }

    [Fact]
    public async Task PageAsync_StateFilter_OnlyThoseStates()
    {
        var query = RunListQuery.Default with { States = [RunState.Failed, RunState.Cancelled] };

        var runs = await AllPagesAsync(query);

        Assert.NotEmpty(runs);
        Assert.All(runs, r => Assert.Contains(r.State, query.States));
        Assert.Equal(fixture.All.Count(r => r.State is RunState.Failed or RunState.Cancelled), runs.Count);
    }

    [Fact]
    public async Task PageAsync_WhoAndDates_OnlyTheirRuns()
    {
        var since = RunListSeed.T0.AddHours(6);
        var until = RunListSeed.T0.AddHours(30);
        var query = RunListQuery.Default with { By = "bob", SinceUtc = since, SinceText = "x", UntilUtc = until, UntilText = "y" };

        var runs = await AllPagesAsync(query);

        Assert.NotEmpty(runs);
        Assert.All(runs, r => Assert.True(r.CreatedBy == "bob" && r.CreatedUtc >= since && r.CreatedUtc < until, r.Id));
        Assert.Equal(fixture.All.Count(r => r.CreatedBy == "bob" && r.CreatedUtc >= since && r.CreatedUtc < until), runs.Count);
        Assert.Empty((await Runs.PageAsync(RunListQuery.Default with { By = "BOB" }, fixture.Now, Ct)).Runs);
    }

    [Fact]
    public async Task PageAsync_BestNRange_OnlyRunsWithABestNInIt()
    {
        var query = RunListQuery.Default with { BestMin = 30, BestMax = 100 };

        var runs = await AllPagesAsync(query);

        Assert.NotEmpty(runs);
        Assert.All(runs, r => Assert.InRange(r.BestNHidden ?? 0, 30, 100));
        Assert.Equal(fixture.All.Count(r => r.BestNHidden is >= 30 and <= 100), runs.Count);
    }

    [Fact]
    public async Task PageAsync_MiddlePage_HoldsTheNextPageSizeRuns()
    {
        var page = await Runs.PageAsync(RunListQuery.Default with { Page = 2 }, fixture.Now, Ct);

        Assert.Equal((2, 3, fixture.All.Count), (page.Page, page.PageCount, page.Total));
        Assert.Equal(Expected(RunListQuery.Default).Skip(RunListQuery.PageSize).Take(RunListQuery.PageSize), page.Runs.Select(r => r.Id));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(int.MaxValue)]
    public async Task PageAsync_PastTheEnd_IsTheLastPage(int asked)
    {
        var page = await Runs.PageAsync(RunListQuery.Default with { Page = asked }, fixture.Now, Ct);

        Assert.Equal(page.PageCount, page.Page);
        Assert.Equal(fixture.All.Count - ((page.PageCount - 1) * RunListQuery.PageSize), page.Runs.Count);
    }

    [Fact]
    public async Task PageAsync_NothingMatches_IsOneEmptyPage()
    {
        var page = await Runs.PageAsync(RunListQuery.Default with { By = "nobody", Page = 3 }, fixture.Now, Ct);

        Assert.Equal((1, 1, 0), (page.Page, page.PageCount, page.Total));
        Assert.Empty(page.Runs);
    }

    [Fact]
    public async Task CreatorsAsync_IsEveryoneWhoStartedARun()
    {
        Assert.Equal(RunListSeed.Users, await Runs.CreatorsAsync(Ct));
    }
}
