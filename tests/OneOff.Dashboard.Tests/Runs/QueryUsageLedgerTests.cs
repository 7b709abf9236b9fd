using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OneOff.Core.Query;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Runs;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Runs;

/// <summary>What Athena's queries of a run cost, kept in the run's record beside the cluster's cost.</summary>
public sealed class QueryUsageLedgerTests : IDisposable
{
    private const string RunId = "20260101-000000-qry1";
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Record_QueriesOfARun_AddUpInItsRecordAndJoinTheClusterCost()
    {
        await TestRuns.WriteAsync(RunsHarness.ObjectsOf(_folder.Path).Root, RunId, hidden: [3]);
        await using var runs = await new RunsHarness(_folder.Path, _time, new ScriptedJobRunner(_time)).StartAsync();
        await runs.StateAsync(RunId, RunState.Succeeded);
        await runs.Store.UpdateAsync(RunId, r => r.RecordCost(0.12m), Ct);
        var ledger = new QueryUsageLedger(runs.Store, NullLogger<QueryUsageLedger>.Instance);
        await ledger.StartAsync(Ct);

        ledger.Record(RunId, new QueryUsage(1, 0, 3_000_000, 0.02m));
        ledger.Record(RunId, new QueryUsage(1, 1, 0, 0m));
        ledger.Record("20260101-000000-none", new QueryUsage(1, 0, 5, 0.01m)); // no such run: skipped
        await ledger.StopAsync(Ct); // a clean stop writes what is queued

        var run = await runs.StoredAsync(RunId);
        Assert.Equal(new QueryUsage(2, 1, 3_000_000, 0.02m), run.Queries);
        Assert.Equal(0.14m, run.TotalCostDollars);
        Assert.Equal(
            "Cluster $0.12 (its instances, each billed per second with a one-minute minimum, at OneOff:Aws:Emr:Prices) + Athena $0.02 (2 queries, 1 of them answered from reused results, 3 MB scanned, at OneOff:Aws:Athena:PricePerTerabyteScanned)",
            RunFormat.CostBreakdown(run));
    }

    [Fact]
    public async Task StopAsync_ShutdownTimeoutAlreadyOver_ReturnsWithoutFailingTheHostsStop()
    {
        await using var runs = await new RunsHarness(_folder.Path, _time, new ScriptedJobRunner(_time)).StartAsync();
        var ledger = new QueryUsageLedger(runs.Store, NullLogger<QueryUsageLedger>.Instance);
        await ledger.StartAsync(Ct);
        using var over = new CancellationTokenSource();
        await over.CancelAsync();

        // The host passes a cancelled token when the services stopped before took its whole shutdown timeout.
        await ledger.StopAsync(over.Token);

        ledger.Record(RunId, new QueryUsage(1, 0, 1, 0m)); // after the stop: dropped, no error
    }

    [Fact]
    public async Task ARunWithoutQueries_HasNoQueryFigure_AndLocalRunsNoCostAtAll()
    {
        await TestRuns.WriteAsync(RunsHarness.ObjectsOf(_folder.Path).Root, RunId, hidden: [3]);
        await using var runs = await new RunsHarness(_folder.Path, _time, new ScriptedJobRunner(_time)).StartAsync();
        var run = await runs.StateAsync(RunId, RunState.Succeeded);

        Assert.Null(run.Queries);
        Assert.Null(run.TotalCostDollars);
        Assert.Null(RunFormat.CostBreakdown(run));
    }

    [Theory]
    [InlineData(1, 0, 2_500_000, "1 query, 2.5 MB scanned")]
    [InlineData(1, 1, 0, "1 query, answered from a reused result, 0 bytes scanned")]
    [InlineData(22, 22, 0, "22 queries, all answered from reused results, 0 bytes scanned")]
    [InlineData(22, 20, 1_200_000, "22 queries, 20 of them answered from reused results, 1.2 MB scanned")]
    public void QueryUsage_ReadsAsASentence(long queries, long reused, long bytes, string expected) =>
        Assert.Equal(expected, RunFormat.QueryUsage(new QueryUsage(queries, reused, bytes, 0m)));

    public void Dispose() => _folder.Dispose();
}
