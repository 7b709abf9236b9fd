using System.Globalization;
using OneOff.Aws.Query;
using OneOff.Aws.Tests.Infrastructure;
using OneOff.Core.Query;
using OneOff.Core.Runs;

namespace OneOff.Aws.Tests.Query;

/// <summary>
/// AthenaQueryEngine's wire behaviour against a scripted Athena and S3 on loopback (<see cref="ScriptedAthena"/>):
/// what it sends, how it polls, pages, reads the CSV, retries, stops and records.
/// </summary>
public sealed class AthenaQueryEngineTests : IAsyncLifetime
{
    private const string RunId = ScriptedAthena.RunId;
    private static readonly (string, string)[] s_metricColumns =
        [("n_hidden", "integer"), ("train_acc", "double"), ("test_acc", "double"), ("surface_agree", "double"), ("iterations", "integer"), ("final_loss", "double"), ("fit_seconds", "double"), ("stop_reason", "varchar")];

    private readonly ScriptedAthena _athena = new();
    private readonly RecordingUsageSink _sink = new();
    private readonly AthenaUsage _usage;

    public AthenaQueryEngineTests() => _usage = new AthenaUsage(_sink, pricePerTerabyte: 5m);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _athena.PublishAsync(RunId, ScriptedAthena.Sizes);
        _athena.Plan = sql => sql.Contains("FROM metrics", StringComparison.Ordinal) ? MetricsPlan() : new QueryPlan();
    }

    public async ValueTask DisposeAsync() => await _athena.DisposeAsync();

    [Fact]
    public async Task GetMetricsAsync_SmallResult_SendsParametersReuseAndLocationAndReadsPageOne()
    {
        using var engine = _athena.Engine(_usage);

        var metrics = await engine.GetMetricsAsync(RunId, Ct);

        Assert.Equal(ScriptedAthena.Sizes, metrics.Models.Select(m => m.NHidden));
        Assert.Equal(0.25, metrics.Models[1].TrainAcc);
        Assert.Null(metrics.Models[2].StopReason);
        var start = Assert.Single(_athena.QueryStarts);
        Assert.Equal(QueryCatalog.Metrics.Bind(RunId, ScriptedAthena.Sizes).Sql, start["QueryString"]!.GetValue<string>());
        Assert.Equal(["'20260102-030405-abcd'", "5", "30", "200"], start["ExecutionParameters"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal("""{"Database":"oneoff_test","Catalog":"AwsDataCatalog"}""", start["QueryExecutionContext"]!.ToJsonString());
        Assert.Equal("""{"OutputLocation":"s3://bucket/oneoff/athena-results/"}""", start["ResultConfiguration"]!.ToJsonString());
        Assert.Equal("oneoff-test", start["WorkGroup"]!.GetValue<string>());
        Assert.Equal("""{"ResultReuseByAgeConfiguration":{"Enabled":true,"MaxAgeInMinutes":60}}""", start["ResultReuseConfiguration"]!.ToJsonString());
        Assert.Empty(_athena.S3Gets);
        Assert.Single(_athena.Operations, o => o == "GetWorkGroup");
    }

    [Fact]
    public async Task GetMetricsAsync_WorkGroupEnforcesItsSettings_SendsNoResultConfiguration()
    {
        _athena.WorkGroupConfiguration = """{"EnforceWorkGroupConfiguration":true,"ResultConfiguration":{"OutputLocation":"s3://bucket/oneoff/athena-results/"}}""";
        using var engine = _athena.Engine(_usage);

        await engine.GetMetricsAsync(RunId, Ct);
        await engine.GetMetricsAsync(RunId, Ct);

        Assert.All(_athena.Starts, s => Assert.Null(s["ResultConfiguration"]));
        Assert.All(_athena.QueryStarts, s => Assert.NotNull(s["ResultReuseConfiguration"]));
        Assert.Single(_athena.Operations, o => o == "GetWorkGroup");
    }

    [Fact]
    public async Task GetMetricsAsync_ReuseOff_SendsNoReuseConfiguration()
    {
        using var engine = _athena.Engine(_usage, s => s with { ResultReuseMinutes = 0 });

        await engine.GetMetricsAsync(RunId, Ct);

        Assert.Null(Assert.Single(_athena.QueryStarts)["ResultReuseConfiguration"]);
    }

    [Fact]
    public async Task GetTrainingDataAsync_MoreRowsThanOnePage_ReadsTheResultCsvInOneGet()
    {
        var rows = Enumerable.Range(0, 2500).Select(i => (IReadOnlyList<string?>)
            [Text(i * 0.001), Text(-i * 0.001), Text(i * 0.5), Text(-i * 0.25), "XOB"[i % 3].ToString()]).ToList();
        _athena.Plan = _ => new QueryPlan { Columns = [("x0", "double"), ("y0", "double"), ("x", "double"), ("y", "double"), ("class", "varchar")], Rows = rows };
        using var engine = _athena.Engine(_usage);

        var points = await engine.GetTrainingDataAsync(RunId, 0.5, Ct);

        Assert.Equal(2500, points.Count);
        Assert.Equal(1249.5f, points.X[2499]);
        Assert.Equal((byte)XoClass.B, points.Classes[2]);
        var id = Assert.Single(_athena.QueryIds);
        Assert.Equal([$"/bucket/oneoff/athena-results/{id}.csv"], _athena.S3Gets);
        Assert.Single(_athena.ResultCalls, c => c == id);
        Assert.Equal(["'20260102-030405-abcd'", "0.5E0"], Assert.Single(_athena.QueryStarts)["ExecutionParameters"]!.AsArray().Select(p => p!.GetValue<string>()));
    }

    [Fact]
    public async Task GetMetricsAsync_Failed_ThrowsQueryFailedWithAthenasMessageAndNoPath()
    {
        _athena.Plan = _ => new QueryPlan
        {
            Final = "FAILED",
            AthenaError = """{"ErrorCategory":2,"ErrorType":1301,"Retryable":false,"ErrorMessage":"HIVE_CURSOR_ERROR: Failed to read s3://bucket/oneoff/runs/x/metrics/n_hidden=5/part-0.parquet"}""",
        };
        using var engine = _athena.Engine(_usage);

        var error = await Assert.ThrowsAsync<QueryFailedException>(() => engine.GetMetricsAsync(RunId, Ct));

        Assert.Equal("metrics", error.QueryName);
        Assert.Equal(RunId, error.RunId);
        Assert.False(error.Retryable);
        Assert.StartsWith("The metrics query of run '20260102-030405-abcd' failed in Athena: HIVE_CURSOR_ERROR: Failed to read (an S3 location).", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3://", error.Message, StringComparison.Ordinal);
        Assert.Single(_athena.QueryStarts);
        Assert.Equal(new QueryUsage(1, 0, 1000, 0m), _sink.ForRun(RunId)); // a failed query is not billed
    }

    [Fact]
    public async Task GetMetricsAsync_AthenaRefusesTheQuery_ThrowsQueryFailedNamingTheErrorAndDoesNotRetry()
    {
        using var engine = _athena.Engine(_usage);
        await engine.GetMetricsAsync(RunId, Ct);
        _athena.StartErrors.Enqueue(CannedResponse.Json(
            """{"__type":"InvalidRequestException","Message":"line 1:8: Column 'nope' cannot be resolved","AthenaErrorCode":"MALFORMED_QUERY"}""", 400));

        var error = await Assert.ThrowsAsync<QueryFailedException>(() => engine.GetMetricsAsync(RunId, Ct));

        Assert.Equal("The metrics query of run '20260102-030405-abcd' failed in Athena: InvalidRequestException: line 1:8: Column 'nope' cannot be resolved.", error.Message);
        Assert.False(error.Retryable);
        Assert.Equal(2, _athena.QueryStarts.Count);
    }

    [Fact]
    public async Task GetMetricsAsync_AnswerOfTheWrongShape_ThrowsInvalidDataNamingTheQuery()
    {
        _athena.Plan = _ => MetricsPlan() with { Rows = [["five", "0.5", "0.45", "0.6", "100", "0.75", "0.125", "max_iter"]] };
        using var engine = _athena.Engine(_usage);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => engine.GetMetricsAsync(RunId, Ct));

        Assert.Contains("metrics query of run '20260102-030405-abcd'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMetricsAsync_RetryableFailure_RunsTheQueryAgainWithANewToken()
    {
        var attempts = 0;
        _athena.Plan = _ => Interlocked.Increment(ref attempts) == 1
            ? new QueryPlan { Final = "FAILED", AthenaError = """{"ErrorCategory":1,"ErrorType":401,"Retryable":true,"ErrorMessage":"GENERIC_INTERNAL_ERROR"}""" }
            : MetricsPlan();
        using var engine = _athena.Engine(_usage);

        var metrics = await engine.GetMetricsAsync(RunId, Ct);

        Assert.Equal(3, metrics.Models.Count);
        var starts = _athena.QueryStarts;
        Assert.Equal(2, starts.Count);
        Assert.NotEqual(starts[0]["ClientRequestToken"]!.GetValue<string>(), starts[1]["ClientRequestToken"]!.GetValue<string>());
        Assert.Equal(2, _sink.ForRun(RunId).Queries);
    }

    [Fact]
    public async Task GetMetricsAsync_RetryableFailureEveryTime_GivesUpAfterThreeAttempts()
    {
        _athena.Plan = _ => new QueryPlan { Final = "FAILED", AthenaError = """{"ErrorCategory":1,"ErrorType":401,"Retryable":true,"ErrorMessage":"GENERIC_INTERNAL_ERROR"}""" };
        using var engine = _athena.Engine(_usage);

        var error = await Assert.ThrowsAsync<QueryFailedException>(() => engine.GetMetricsAsync(RunId, Ct));

        Assert.True(error.Retryable);
        Assert.Equal(3, _athena.QueryStarts.Count);
    }

    [Fact]
    public async Task GetMetricsAsync_Throttled_BacksOffAndStartsOnceAthenaAccepts()
    {
        using var engine = _athena.Engine(_usage, protocolRetries: 0);
        var throttled = CannedResponse.Json("""{"__type":"TooManyRequestsException","Message":"Rate exceeded","Reason":"CONCURRENT_QUERY_LIMIT_EXCEEDED"}""", 400);
        await engine.GetMetricsAsync(RunId, Ct);
        _athena.StartErrors.Enqueue(throttled);
        _athena.StartErrors.Enqueue(throttled);

        var metrics = await engine.GetMetricsAsync(RunId, Ct);

        Assert.Equal(3, metrics.Models.Count);
        Assert.Equal(4, _athena.QueryStarts.Count);
    }

    [Fact]
    public async Task GetMetricsAsync_NotFinishedInTime_StopsTheQueryAndThrowsQueryFailed()
    {
        _athena.Plan = _ => new QueryPlan { Final = null };
        using var engine = _athena.Engine(_usage, s => s with { QueryTimeout = TimeSpan.FromMilliseconds(600) });

        var error = await Assert.ThrowsAsync<QueryFailedException>(() => engine.GetMetricsAsync(RunId, Ct));

        Assert.Contains("did not finish within", error.Message, StringComparison.Ordinal);
        Assert.True(error.Retryable);
        Assert.Equal([Assert.Single(_athena.QueryIds)], _athena.Stops);
    }

    [Fact]
    public async Task GetMetricsAsync_CallerCancels_StopsTheQuery()
    {
        using var engine = _athena.Engine(_usage);
        await engine.GetMetricsAsync(RunId, Ct);
        _athena.Plan = _ => new QueryPlan { Final = null };
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.GetMetricsAsync(RunId, cancel.Token));

        Assert.Equal([_athena.QueryIds[^1]], _athena.Stops);
    }

    [Fact]
    public async Task Queries_Finished_RecordBytesScannedAndReusePerRun()
    {
        var reused = false;
        _athena.Plan = _ => MetricsPlan() with { Reused = reused, DataScannedInBytes = reused ? 0 : 4096 };
        using var engine = _athena.Engine(_usage);

        await engine.GetMetricsAsync(RunId, Ct);
        reused = true;
        await engine.GetMetricsAsync(RunId, Ct);

        // 4 096 bytes are billed as Athena's 10 MB minimum at $5 per TB; the reused answer scanned nothing and costs nothing.
        Assert.Equal(new QueryUsage(2, 1, 4096, 10m * (1 << 20) / (1L << 40) * 5m), _sink.ForRun(RunId));
        Assert.Equal(QueryUsage.None, _sink.ForRun("another-run"));
    }

    [Fact]
    public async Task FirstQuery_CreatesTheDatabaseAndTablesOnceAndNotPerQuery()
    {
        using var engine = _athena.Engine(_usage);

        await engine.GetMetricsAsync(RunId, Ct);
        await engine.GetMetricsAsync(RunId, Ct);

        var ddl = _athena.Starts.Select(s => s["QueryString"]!.GetValue<string>()).Where(ScriptedAthena.IsDdl).ToList();
        Assert.Equal("CREATE DATABASE IF NOT EXISTS `oneoff_test`", ddl[0]);
        Assert.Equal("SHOW TABLES IN `oneoff_test`", ddl[1]);
        Assert.Equal(
            ["grid", "loss", "metrics", "test", "train"],
            ddl.Where(s => s.StartsWith("CREATE EXTERNAL TABLE", StringComparison.Ordinal)).Select(s => s.Split('`')[3]).Order(StringComparer.Ordinal));
        Assert.Equal(7, ddl.Count);
        Assert.All(_athena.Starts.Where(s => ScriptedAthena.IsDdl(s["QueryString"]!.GetValue<string>())), s => Assert.Null(s["ResultReuseConfiguration"]));
        Assert.Null(_athena.Starts[0]["QueryExecutionContext"]);
    }

    [Fact]
    public async Task FirstQuery_TableOfAnotherVersion_IsDroppedAndCreatedAgain_TableOfThisVersionIsKept()
    {
        foreach (var table in AthenaCatalog.Tables)
        {
            _athena.ExistingTables.Add(table.Name);
            _athena.TableVersions[table.Name] = AthenaCatalog.VersionOf("oneoff_test", table, ScriptedAthena.Root);
        }

        _athena.TableVersions["grid"] = "0.old";
        using var engine = _athena.Engine(_usage);

        await engine.GetMetricsAsync(RunId, Ct);

        var ddl = _athena.Starts.Select(s => s["QueryString"]!.GetValue<string>()).Where(ScriptedAthena.IsDdl).ToList();
        Assert.Equal(5, ddl.Count(s => s.StartsWith("SHOW TBLPROPERTIES", StringComparison.Ordinal)));
        Assert.Equal(["DROP TABLE IF EXISTS `oneoff_test`.`grid`"], ddl.Where(s => s.StartsWith("DROP", StringComparison.Ordinal)));
        Assert.Equal(["grid"], ddl.Where(s => s.StartsWith("CREATE EXTERNAL", StringComparison.Ordinal)).Select(s => s.Split('`')[3]));
        Assert.True(ddl.IndexOf("DROP TABLE IF EXISTS `oneoff_test`.`grid`") < ddl.FindIndex(s => s.StartsWith("CREATE EXTERNAL", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task InlineValues_WritesTheRunIdAndSizesIntoTheSql()
    {
        using var engine = _athena.Engine(_usage, s => s with { InlineValues = true });

        await engine.GetMetricsAsync(RunId, Ct);

        var start = Assert.Single(_athena.QueryStarts);
        Assert.Contains("WHERE run_id = '20260102-030405-abcd' AND n_hidden IN (5, 30, 200)", start["QueryString"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(start["ExecutionParameters"]);
    }

    [Fact]
    public async Task CheckHealthAsync_CallsGetWorkGroupAndNeverRunsAQuery()
    {
        using var engine = _athena.Engine(_usage);

        var healthy = await engine.CheckHealthAsync(Ct);
        _athena.WorkGroupState = "DISABLED";
        var disabled = await engine.CheckHealthAsync(Ct);

        Assert.True(healthy.IsHealthy, healthy.Description);
        Assert.Contains("'oneoff-test'", healthy.Description, StringComparison.Ordinal);
        Assert.False(disabled.IsHealthy);
        Assert.Contains("DISABLED", disabled.Description, StringComparison.Ordinal);
        Assert.Equal(["GetWorkGroup", "GetWorkGroup"], _athena.Operations);
    }

    [Fact]
    public async Task CheckHealthAsync_AthenaRefuses_IsUnhealthySayingWhy()
    {
        _athena.Server.Responder = _ => CannedResponse.Json("""{"__type":"AccessDeniedException","Message":"not authorized"}""", 400);
        using var engine = _athena.Engine(_usage);

        var health = await engine.CheckHealthAsync(Ct);

        Assert.False(health.IsHealthy);
        Assert.Contains("AccessDeniedException", health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queries_UnpublishedRunUnknownSizeOrBadRunId_AskAthenaNothing()
    {
        using var engine = _athena.Engine(_usage);

        await Assert.ThrowsAsync<RunNotPublishedException>(() => engine.GetMetricsAsync("20991231-000000-none", Ct));
        var missing = await Assert.ThrowsAsync<ModelNotFoundException>(() => engine.GetDecisionSurfaceAsync(RunId, 7, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => engine.GetLossCurvesAsync("x' OR '1'='1", Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.GetTestDataAsync(RunId, 0, Ct));

        Assert.Equal(7, missing.NHidden);
        Assert.Empty(_athena.Operations);
    }

    [Fact]
    public async Task GetDecisionSurfaceAsync_OneSize_FiltersByThatSizeAlone()
    {
        _athena.Plan = _ => new QueryPlan
        {
            Columns = [("x", "double"), ("y", "double"), ("class_pred", "varchar"), ("p_x", "double"), ("p_o", "double"), ("p_b", "double")],
            Rows = [["-0.1", "0.0", "X", "0.5", "0.25", "0.25"], ["0.0", "0.0", "O", "0.1", "0.8", "0.1"]],
        };
        using var engine = _athena.Engine(_usage);

        var surface = await engine.GetDecisionSurfaceAsync(RunId, 30, Ct);

        Assert.Equal([-0.1f, 0f], surface.X);
        Assert.Equal([(byte)XoClass.X, (byte)XoClass.O], surface.Classes);
        var start = Assert.Single(_athena.QueryStarts);
        Assert.Contains("n_hidden IN (?)", start["QueryString"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["'20260102-030405-abcd'", "30"], start["ExecutionParameters"]!.AsArray().Select(p => p!.GetValue<string>()));
    }

    private static QueryPlan MetricsPlan() => new()
    {
        Columns = s_metricColumns,
        Rows =
        [
            ["5", "0.5", "0.45", "0.6", "100", "0.75", "0.125", "max_iter"],
            ["30", "0.25", "0.2", "0.9", "87", "0.1", "1.0E-3", "converged"],
            ["200", "0.125", "0.1", "0.8", "100", "0.05", "2.5", null],
        ],
    };

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
