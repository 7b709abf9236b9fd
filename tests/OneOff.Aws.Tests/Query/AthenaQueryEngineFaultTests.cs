using System.Text.Json;
using OneOff.Aws.Query;
using OneOff.Aws.Tests.StandIns;
using OneOff.Core.Query;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Query;

/// <summary>
/// <see cref="AthenaQueryEngine"/> when Athena does not simply answer, against the Athena stand-in (a real process: the
/// faults are armed on its <c>/_faults</c> endpoint, what it was asked is read from <c>/_calls</c>): a FAILED query,
/// retryable or not; a query slow to leave QUEUED, within the timeout and past it; the caller cancelling; a result too
/// large for page 1 read from its CSV; result reuse; the workgroup's bytes-scanned cutoff; throttling.
/// </summary>
[Collection(StandInsCollection.Name)]
public sealed class AthenaQueryEngineFaultTests(StandInsFixture standins, UploadedRunsFixture uploaded)
    : IClassFixture<UploadedRunsFixture>, IAsyncLifetime
{
    private const string RunId = PublishedRunFixture.RunId;
    private readonly RecordingUsageSink _usage = new();
    private int _earlier;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        standins.SkipIfUnavailable();
        await uploaded.UploadAsync(standins);
        await standins.ClearAthenaFaultsAsync();
        // Results of earlier tests are older than any reuse window from here on: each test's queries run.
        await standins.AdvanceAthenaClockAsync(24 * 60);
        _earlier = (await standins.AthenaCallsAsync()).GetProperty("queries").GetArrayLength();
    }

    public async ValueTask DisposeAsync() => await standins.ClearAthenaFaultsAsync();

    [Fact]
    public async Task FailedQuery_NotRetryable_ReachesTheCallerOnceAsAPlainMessage()
    {
        await standins.ArmAthenaAsync("""
            {"queryFailure": {"match": "FROM metrics", "retryable": false, "errorCategory": 2, "errorType": 1301,
              "message": "HIVE_BAD_DATA: Malformed Parquet file s3://bucket/oneoff/runs/x/metrics/n_hidden=3/part-0.parquet"}}
            """);
        using var engine = Engine();

        var error = await Assert.ThrowsAsync<QueryFailedException>(() => engine.GetMetricsAsync(RunId, Ct));

        Assert.False(error.Retryable);
        Assert.Equal($"The metrics query of run '{RunId}' failed in Athena: HIVE_BAD_DATA: Malformed Parquet file (an S3 location).", error.Message);
        var metricsQueries = await QueriesAsync("FROM metrics");
        Assert.Equal(["FAILED"], metricsQueries.Select(q => q.State));
        Assert.Equal(new QueryUsage(1, 0, metricsQueries[0].Bytes, 0m), _usage.ForRun(RunId)); // a failed query is not billed
    }

    [Fact]
    public async Task FailedQuery_Retryable_IsRunAgain_AndAnswers()
    {
        await standins.ArmAthenaAsync("""{"queryFailure": {"match": "FROM loss", "retryable": true}}""");
        using var engine = Engine();

        var curves = await engine.GetLossCurvesAsync(RunId, Ct);

        Assert.Equal(uploaded.Runs.Expected.HiddenSizes, curves.Curves.Select(c => c.NHidden));
        Assert.Equal(["FAILED", "SUCCEEDED"], (await QueriesAsync("FROM loss")).Select(q => q.State));
        Assert.Equal(2, _usage.ForRun(RunId).Queries);
    }

    [Fact]
    public async Task SlowQueue_WithinTheTimeout_Answers_AndPastIt_IsStoppedWithAPlainMessage()
    {
        await standins.ArmAthenaAsync("""{"slowQueue": {"match": "AS dataset", "seconds": 1.5}}""");
        using (var patient = Engine())
        {
            var fractions = await patient.GetClassFractionsAsync(RunId, Ct);
            Assert.Equal(uploaded.Runs.Expected.ManifestRows("train"), fractions.Train.Total);
        }

        await standins.AdvanceAthenaClockAsync(24 * 60);
        await standins.ArmAthenaAsync("""{"slowQueue": {"match": "AS dataset", "seconds": 30}}""");
        using var hasty = Engine(s => s with { QueryTimeout = TimeSpan.FromSeconds(4) });
        await hasty.GetMetricsAsync(RunId, Ct); // its catalog checked within the timeout first

        var error = await Assert.ThrowsAsync<QueryFailedException>(() => hasty.GetClassFractionsAsync(RunId, Ct));

        Assert.Contains("did not finish within", error.Message, StringComparison.Ordinal);
        Assert.True(error.Retryable);
        Assert.Equal("CANCELLED", (await QueriesAsync("AS dataset"))[^1].State); // stopped, not left to run
    }

    [Fact]
    public async Task CallerCancels_WhileTheQueryRuns_TheQueryIsStopped()
    {
        await standins.ArmAthenaAsync("""{"slowRun": {"match": "FROM loss", "seconds": 30}}""");
        using var engine = Engine();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var query = engine.GetLossCurvesAsync(RunId, cancel.Token);
        // The caller leaves once Athena is running the query.
        while (!(await QueriesAsync("FROM loss")).Any(q => q.State == "RUNNING"))
        {
            Assert.False(query.IsCompleted, "the query ended before it was cancelled");
            await Task.Delay(50, Ct);
        }

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => query);

        Assert.Equal("CANCELLED", (await QueriesAsync("FROM loss"))[^1].State);
        Assert.True((await standins.AthenaCallsAsync()).GetProperty("counts").GetProperty("StopQueryExecution").GetInt32() >= 1);
    }

    [Fact]
    public async Task LargeResult_IsReadFromItsCsvInS3_AfterPageOne_WithTheSameRows()
    {
        using var engine = Engine();
        await engine.GetMetricsAsync(RunId, Ct); // the catalog checked (its SHOW TBLPROPERTIES read results too)
        var before = await CountAsync("GetQueryResults");

        var surfaces = await engine.GetAllSurfacesAsync(RunId, Ct);

        // Every size's 101 x 101 grid: far over the 1 000 rows of a page, yet one GetQueryResults call (page 1 for the
        // columns) and the rest from the result CSV.
        Assert.Equal(uploaded.Runs.Expected.HiddenSizes, surfaces.NHidden);
        Assert.All(surfaces.Classes, c => Assert.Equal(101 * 101, c.Length));
        Assert.Equal(before + 1, await CountAsync("GetQueryResults"));
    }

    [Fact]
    public async Task SameQueryTwice_TheSecondReusesTheResult_ScansNothing_AndCostsNothing()
    {
        using var engine = Engine();

        var first = await engine.GetMetricsAsync(RunId, Ct);
        var second = await engine.GetMetricsAsync(RunId, Ct);

        Assert.Equal(first.Models, second.Models);
        var queries = await QueriesAsync("FROM metrics");
        Assert.Equal([false, true], queries[^2..].Select(q => q.Reused));
        Assert.Equal(0, queries[^1].Bytes);
        var scanned = queries[^2].Bytes;
        Assert.True(scanned > 0);
        Assert.Equal(new QueryUsage(2, 1, scanned, AthenaUsage.Price(scanned, false, false, AthenaOptions.DefaultPricePerTerabyteScanned)), _usage.ForRun(RunId));
    }

    [Fact]
    public async Task BytesScannedCutoff_AQueryOverIt_FailsWithTheLimitAndItsFix()
    {
        var workgroup = "cutoff-" + Guid.NewGuid().ToString("N")[..8];
        await standins.CreateAthenaWorkGroupAsync(workgroup, bytesScannedCutoffPerQuery: 1000);
        using var engine = Engine(s => s with { WorkGroup = workgroup });

        var error = await Assert.ThrowsAsync<QueryFailedException>(() => engine.GetAllSurfacesAsync(RunId, Ct));

        Assert.Contains("data usage limit", error.Message, StringComparison.Ordinal);
        Assert.Contains("raise it (deploy/oneoff.yaml parameter AthenaBytesScannedCutoff)", error.Message, StringComparison.Ordinal);
        Assert.False(error.Retryable);
    }

    [Fact]
    public async Task Throttled_StartsAndPolls_AreBackedOff_AndTheQueryAnswers()
    {
        // More throttled calls than the protocol's own retries take (2 attempts): the runner's back-off outlasts them.
        await standins.ArmAthenaAsync("""{"throttle": {"count": 4, "operations": ["StartQueryExecution"]}}""");
        using var engine = Engine(s => s with { RetryDelay = TimeSpan.FromMilliseconds(50) }, protocolRetries: 2);
        var before = await CountAsync("StartQueryExecution");

        var metrics = await engine.GetMetricsAsync(RunId, Ct);

        Assert.Equal(uploaded.Runs.Expected.HiddenSizes, metrics.Models.Select(m => m.NHidden));
        Assert.True(await CountAsync("StartQueryExecution") >= before + 5, "4 throttled starts and the one that went through");
        Assert.Equal(1, _usage.ForRun(RunId).Queries);
    }

    private AthenaQueryEngine Engine(Func<AthenaSettings, AthenaSettings>? configure = null, int protocolRetries = 3) =>
        standins.AthenaEngine(new AthenaUsage(_usage), configure, protocolRetries);

    /// <summary>The stand-in's log of this test's SELECTs whose SQL holds <paramref name="fragment"/> (<c>FROM metrics</c>), oldest first.</summary>
    private async Task<(string State, bool Reused, long Bytes)[]> QueriesAsync(string fragment) =>
        [.. (await standins.AthenaCallsAsync()).GetProperty("queries").EnumerateArray().Skip(_earlier)
            .Where(q => q.GetProperty("StatementType").GetString() == "DML" && q.GetProperty("Query").GetString()!.Contains(fragment, StringComparison.Ordinal))
            .Select(q => (q.GetProperty("State").GetString()!, q.GetProperty("Reused").GetBoolean(), q.GetProperty("DataScannedInBytes").GetInt64()))];

    private async Task<int> CountAsync(string operation) =>
        (await standins.AthenaCallsAsync()).GetProperty("counts").TryGetProperty(operation, out var count) && count.ValueKind == JsonValueKind.Number ? count.GetInt32() : 0;
}
