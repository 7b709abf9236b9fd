using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using DuckDB.NET.Data;
using OneOff.Aws.Clients;
using OneOff.Aws.Clients.Athena;
using OneOff.Aws.Clients.Athena.Models;
using OneOff.Aws.Tests.Clients;
using OneOff.Core.Query;
using OneOff.Testing;

namespace OneOff.Aws.Tests.StandIns;

/// <summary>
/// The Athena stand-in (tests/standins/athena_standin.mjs) driven through OneOff's own <see cref="AthenaClient"/>, boto3
/// and the JS SDK: the catalog from DDL, the catalog's SQL over a real run on S3 (the real job's Parquet) against
/// DuckDB over the same files locally, paging, the result CSV, reuse, the bytes-scanned cutoff, injected projection,
/// parameters, throttling, stop and the armed failures.
/// </summary>
[Collection(StandInsCollection.Name)]
public sealed partial class AthenaStandInTests(StandInsFixture standins) : IAsyncLifetime
{
    private const string Database = "standin_tests";
    private const string SchemaVersion = "1";
    private static readonly int[] s_sizes = [3, 5];
    private static readonly SemaphoreSlim s_seedLock = new(1, 1);
    private static SeededRun? s_seed;
    private AthenaClient? _athena;
    private AmazonS3Client? _s3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AthenaClient Athena => _athena ?? throw new InvalidOperationException("Not initialised.");

    private AmazonS3Client S3 => _s3 ?? throw new InvalidOperationException("Not initialised.");

    private SeededRun Run => s_seed ?? throw new InvalidOperationException("Not seeded.");

    public async ValueTask InitializeAsync()
    {
        standins.SkipIfUnavailable();
        await standins.ClearAthenaFaultsAsync();
        _athena = standins.Athena();
        _s3 = standins.S3();
        await s_seedLock.WaitAsync(Ct);
        try
        {
            s_seed ??= await SeedAsync();
        }
        finally
        {
            s_seedLock.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _athena?.Dispose();
        _s3?.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Start_PrintsTheAthenaExports_AndTheStackDatabaseExists()
    {
        Assert.Equal($"s3://{standins.Bucket}/{standins.Prefix}/athena-results/", standins.AthenaOutputLocation);
        Assert.Equal("oneoff-standin", standins.AthenaWorkGroup);
        Assert.StartsWith("http://127.0.0.1:", standins.AthenaEndpoint.ToString(), StringComparison.Ordinal);
        var catalog = await standins.AthenaCatalogAsync();
        Assert.True(catalog.GetProperty("databases").TryGetProperty(standins.AthenaDatabase, out _));
        var workgroup = catalog.GetProperty("workgroups").GetProperty(standins.AthenaWorkGroup).GetProperty("Configuration");
        Assert.True(workgroup.GetProperty("EnforceWorkGroupConfiguration").GetBoolean());
        Assert.Equal(standins.AthenaOutputLocation, workgroup.GetProperty("ResultConfiguration").GetProperty("OutputLocation").GetString());
    }

    [Fact]
    public async Task Boto3_EveryOperation_ParsesEveryReply()
    {
        var output = await RunScriptAsync("python3", "boto3_athena_standin.py");

        Assert.Equal(standins.AthenaOutputLocation, output.GetProperty("workgroup").GetProperty("output").GetString());
        Assert.Equal(["QUEUED", "RUNNING", "SUCCEEDED"], Strings(output.GetProperty("states")));
        var execution = output.GetProperty("execution");
        Assert.Equal("DML", execution.GetProperty("type").GetString());
        Assert.StartsWith(standins.AthenaOutputLocation, execution.GetProperty("output").GetString(), StringComparison.Ordinal);
        Assert.Equal(Run.GridBytes.Values.Sum(), execution.GetProperty("scanned").GetInt64());
        Assert.True(execution.GetProperty("completed").GetDouble() >= execution.GetProperty("submitted").GetDouble());
        Assert.Equal(["n_hidden", "x", "y", "class_pred"], Strings(output.GetProperty("header")));
        Assert.Equal("integer", output.GetProperty("columns")[0][1].GetString());
        Assert.Equal("double", output.GetProperty("columns")[1][1].GetString());
        Assert.Equal("varchar", output.GetProperty("columns")[3][1].GetString());
        var rows = s_sizes.Length * Run.GridRows;
        Assert.Equal(rows, output.GetProperty("rows").GetInt32());
        var pages = output.GetProperty("pageSizes").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(rows + 1, pages.Sum());
        Assert.All(pages[..^1], size => Assert.Equal(1000, size));
        Assert.True(output.GetProperty("listed").GetBoolean());
        Assert.Equal("FAILED", output.GetProperty("failed").GetProperty("state").GetString());
        Assert.StartsWith("CONSTRAINT_VIOLATION", output.GetProperty("failed").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, output.GetProperty("failed").GetProperty("error").GetProperty("ErrorCategory").GetInt32());
        Assert.Equal("CANCELLED", output.GetProperty("stopped").GetString());
        var errors = output.GetProperty("errors");
        Assert.Equal("TooManyRequestsException", errors.GetProperty("throttled").GetProperty("code").GetString());
        Assert.Equal("InvalidRequestException", errors.GetProperty("unknown").GetProperty("code").GetString());
        Assert.Equal("InvalidRequestException", errors.GetProperty("maxResults").GetProperty("code").GetString());
        Assert.Equal("InvalidRequestException", errors.GetProperty("cancelledResults").GetProperty("code").GetString());
    }

    [Fact]
    public async Task JsSdk_EveryOperation_ParsesEveryReply()
    {
        var output = await RunScriptAsync("node", "sdk_athena_standin.mjs");

        Assert.True(output.GetProperty("workgroup").GetProperty("created").GetBoolean(), "CreationTime should parse as a Date");
        Assert.Equal(["QUEUED", "RUNNING", "SUCCEEDED"], Strings(output.GetProperty("states")));
        Assert.True(output.GetProperty("first").GetProperty("submitted").GetBoolean(), "SubmissionDateTime should parse as a Date");
        Assert.Equal(["class", "points"], Strings(output.GetProperty("rows")[0]));
        Assert.Equal(Run.TrainSize, output.GetProperty("rows").EnumerateArray().Skip(1).Sum(r => int.Parse(r[1].GetString()!, CultureInfo.InvariantCulture)));
        Assert.Equal("bigint", output.GetProperty("columns")[1][1].GetString());
        var second = output.GetProperty("second");
        if (!output.GetProperty("first").GetProperty("reused").GetBoolean())
        {
            Assert.True(second.GetProperty("reused").GetBoolean());
            Assert.Equal(0, second.GetProperty("scanned").GetInt64());
            Assert.Equal(output.GetProperty("first").GetProperty("output").GetString(), second.GetProperty("output").GetString());
        }

        Assert.Equal(1006, output.GetProperty("failed").GetProperty("error").GetProperty("ErrorType").GetInt32());
        Assert.Equal("CANCELLED", output.GetProperty("stopped").GetString());
        Assert.True(output.GetProperty("listed").GetBoolean());
        var errors = output.GetProperty("errors");
        Assert.Equal("TooManyRequestsException", errors.GetProperty("throttled").GetProperty("name").GetString());
        Assert.Equal("InvalidRequestException", errors.GetProperty("maxResults").GetProperty("name").GetString());
        Assert.Equal("INVALID_INPUT", errors.GetProperty("maxResults").GetProperty("athenaErrorCode").GetString());
        Assert.Equal("InvalidRequestException", errors.GetProperty("unknownWorkGroup").GetProperty("name").GetString());
        Assert.Contains("No output location provided", errors.GetProperty("noOutput").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ddl_BuildsTheCatalog_ShowTblPropertiesReadsTheVersion_AndARecreatedTableKeepsTheData()
    {
        var catalog = await standins.AthenaCatalogAsync();
        var grid = catalog.GetProperty("databases").GetProperty(Database).GetProperty("grid");
        Assert.Equal(["run_id", "n_hidden"], grid.GetProperty("partitions").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal("injected", grid.GetProperty("properties").GetProperty("projection.n_hidden.type").GetString());
        Assert.Equal(
            ["bscore", "class", "id", "oscore", "ran_num", "x", "x0", "xscore", "y", "y0"],
            catalog.GetProperty("databases").GetProperty(Database).GetProperty("train").GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Order(StringComparer.Ordinal));

        var table = "scratch_" + Guid.NewGuid().ToString("N")[..8];
        await DdlAsync(GridDdl(table, "7"));
        Assert.Equal(["7"], await VersionAsync(table));
        await DdlAsync(GridDdl(table, "8"));
        Assert.Equal(["7"], await VersionAsync(table)); // IF NOT EXISTS: the table as it was
        await DdlAsync($"DROP TABLE IF EXISTS {Database}.{table}");
        await DdlAsync($"DROP TABLE IF EXISTS {Database}.{table}");
        await DdlAsync(GridDdl(table, "8"));
        Assert.Equal(["8"], await VersionAsync(table));
        var missing = await ExecuteAsync($"SHOW TBLPROPERTIES {Database}.{table} ('no.such.key')", []);
        Assert.Equal([$"Table {Database}.{table} does not have property: no.such.key"], (await ResultsAsync(missing)).Rows.Select(r => r[0]));

        var data = await ExecuteAsync($"SELECT COUNT(*) AS cells FROM {Database}.{table} WHERE run_id = ? AND n_hidden = ?", [Quote(Run.RunId), "3"]);
        Assert.Equal(Run.GridRows.ToString(CultureInfo.InvariantCulture), (await ResultsAsync(data)).Rows.Single()[0]);

        var duplicate = await ExecuteAsync(GridDdl(table, "9").Replace(" IF NOT EXISTS", "", StringComparison.Ordinal), []);
        Assert.Equal("FAILED", duplicate.Status?.State);
        Assert.Equal(1003, duplicate.Status?.AthenaError?.ErrorType);
        var unknownDb = await ExecuteAsync(GridDdl("t", "1").Replace($"{Database}.t", "no_such_db.t", StringComparison.Ordinal), []);
        Assert.Contains("Database does not exist: no_such_db", unknownDb.Status?.StateChangeReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_WithTheSameWorkFolder_KeepsTheCatalog()
    {
        var work = Path.Combine(Path.GetTempPath(), "oneoff-athena-restart-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var created = await WithOwnStandInAsync(work, async client =>
            {
                await ExecuteOnAsync(client, $"CREATE DATABASE IF NOT EXISTS {Database}");
                await ExecuteOnAsync(client, GridDdl("kept", "42"));
                return "created";
            });
            Assert.Equal("created", created);

            var after = await WithOwnStandInAsync(work, async client =>
            {
                var execution = await ExecuteOnAsync(client, $"SHOW TBLPROPERTIES {Database}.kept ('oneoff.schema_version')");
                var page = await client.GetQueryResultsAsync(new GetQueryResultsRequest { QueryExecutionId = execution.QueryExecutionId! }, Ct);
                return page.ResultSet?.Rows?.Single().Data?.Single().VarCharValue;
            });
            Assert.Equal("42", after);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task CatalogQueries_OverARealRunOnS3_GiveTheSameAnswersAsDuckDbOverTheSameFilesLocally()
    {
        using var duck = new DuckDBConnection("Data Source=:memory:");
        await duck.OpenAsync(Ct);
        await LocalViewsAsync(duck);

        foreach (var query in QueryCatalog.All)
        {
            var sql = query.Sql;
            if (query.Tables.Any(IsPartitioned) && !NHiddenIn().IsMatch(sql) && !sql.Contains("n_hidden = ?", StringComparison.Ordinal))
            {
                // The catalog query lacks the n_hidden list Athena's injected projection needs: it fails there ...
                var refused = await ExecuteAsync(Qualify(sql), Parameters(sql).Select(p => p.Athena).ToList());
                Assert.Equal("FAILED", refused.Status?.State);
                Assert.StartsWith("CONSTRAINT_VIOLATION: For the injected projected partition column n_hidden", refused.Status?.StateChangeReason, StringComparison.Ordinal);
                // ... and runs with the run's own sizes, as ARCHITECTURE "Queries" has it.
                sql = sql.Replace("run_id = ?", $"run_id = ? AND n_hidden IN ({string.Join(", ", s_sizes.Select(_ => "?"))})", StringComparison.Ordinal);
            }

            var parameters = Parameters(sql);
            var execution = await ExecuteAsync(Qualify(sql), parameters.Select(p => p.Athena).ToList());
            Assert.True(execution.Status?.State == "SUCCEEDED", $"{query.Name}: {execution.Status?.StateChangeReason}");
            var remote = await ResultsAsync(execution);
            var local = await LocalAsync(duck, sql, parameters.Select(p => p.Local).ToList());
            var remoteRows = remote.Rows.Select(r => r.ToArray()).ToList();
            if (!sql.Contains("ORDER BY", StringComparison.Ordinal))
            {
                // No order in the SQL, none in the answer: compare as sets of rows.
                local.Rows.Sort((a, b) => string.CompareOrdinal(string.Join("|", a), string.Join("|", b)));
                remoteRows.Sort((a, b) => string.CompareOrdinal(string.Join("|", a), string.Join("|", b)));
            }

            Assert.Equal(local.Columns, remote.Columns.Select(c => c.Name));
            Assert.True(local.Rows.Count == remote.Rows.Count, $"{query.Name}: {local.Rows.Count} rows locally, {remote.Rows.Count} on the stand-in");
            Assert.True(local.Rows.Count > 0, $"{query.Name} returned no rows");
            for (var i = 0; i < local.Rows.Count; i++)
            {
                for (var j = 0; j < local.Columns.Count; j++)
                {
                    AssertSameValue(local.Rows[i][j], remoteRows[i][j], $"{query.Name} row {i} column {local.Columns[j]}");
                }
            }

            if (query == QueryCatalog.DecisionSurface)
            {
                Assert.Equal(Run.GridBytes[3], execution.Statistics?.DataScannedInBytes);
                Assert.Equal(["double", "double", "varchar", "double", "double", "double"], remote.Columns.Select(c => c.Type));
            }
        }
    }

    [Fact]
    public async Task GetQueryResults_PagesBy1000WithTheHeaderOnPageOne_AndRefusesMaxResultsOver1000()
    {
        var execution = await ExecuteAsync($"SELECT id, class FROM {Database}.train WHERE run_id = ? ORDER BY id", [Quote(Run.RunId)]);
        var id = execution.QueryExecutionId!;

        var first = await Athena.GetQueryResultsAsync(new GetQueryResultsRequest { QueryExecutionId = id, MaxResults = 1000 }, Ct);
        var second = await Athena.GetQueryResultsAsync(new GetQueryResultsRequest { QueryExecutionId = id, MaxResults = 1000, NextToken = first.NextToken }, Ct);

        Assert.Equal(1000, first.ResultSet?.Rows?.Count);
        Assert.Equal(["id", "class"], first.ResultSet!.Rows![0].Data!.Select(d => d.VarCharValue));
        Assert.Equal("0", first.ResultSet.Rows[1].Data![0].VarCharValue);
        Assert.NotNull(first.NextToken);
        Assert.Equal(Run.TrainSize - 999, second.ResultSet?.Rows?.Count);
        Assert.Equal("999", second.ResultSet!.Rows![0].Data![0].VarCharValue); // no header on page 2
        Assert.Null(second.NextToken);
        var small = await Athena.GetAllQueryResultsAsync(id, execution.StatementType, pageSize: 100, Ct);
        Assert.Equal(Enumerable.Range(0, Run.TrainSize).Select(i => i.ToString(CultureInfo.InvariantCulture)), small.Rows.Select(r => r[0]));

        var refused = await Assert.ThrowsAnyAsync<AwsServiceException>(() =>
            Athena.GetQueryResultsAsync(new GetQueryResultsRequest { QueryExecutionId = id, MaxResults = 1001 }, Ct));
        Assert.Equal("InvalidRequestException", refused.ErrorCode);
        Assert.Contains("maxResults", refused.ServiceMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResultCsv_AtTheOutputLocation_QuotesEveryValue_AndHoldsTheSameRows()
    {
        var execution = await ExecuteAsync(
            $"SELECT 'say \"hi\", then' AS quoted, CAST(NULL AS varchar) AS nothing, id, x FROM {Database}.train WHERE run_id = ? AND ran_num < ? ORDER BY id",
            [Quote(Run.RunId), "0.5"]);
        var location = execution.ResultConfiguration?.OutputLocation;
        Assert.Equal($"{standins.AthenaOutputLocation}{execution.QueryExecutionId}.csv", location);
        var key = location!["s3://".Length..].Split('/', 2)[1];

        var csv = await ReadTextAsync(key);
        var rows = await Athena.GetAllQueryResultsAsync(execution.QueryExecutionId!, execution.StatementType, cancellationToken: Ct);

        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("\"quoted\",\"nothing\",\"id\",\"x\"", lines[0]);
        Assert.Equal(rows.Rows.Count + 1, lines.Length);
        Assert.All(lines.Skip(1), line => Assert.StartsWith("\"say \"\"hi\"\", then\",,\"", line, StringComparison.Ordinal));
        var parsed = lines.Skip(1).Select(ParseCsvLine).ToList();
        Assert.Equal(rows.Rows.Select(r => r.ToArray()), parsed);
        Assert.Null(rows.Rows[0][1]);
        Assert.Equal("say \"hi\", then", rows.Rows[0][0]);
        var metadata = await S3.GetObjectMetadataAsync(standins.Bucket, key + ".metadata", Ct);
        Assert.True(metadata.ContentLength > 0, "the .csv.metadata beside the CSV");
    }

    [Fact]
    public async Task ResultReuse_SameSqlAndParameters_ReusesTheResult_UntilItsAgeOrAnOverride()
    {
        var reuse = new ResultReuseConfiguration { ResultReuseByAgeConfiguration = new ResultReuseByAgeConfiguration { Enabled = true, MaxAgeInMinutes = 60 } };
        var sql = $"SELECT class, COUNT(*) AS points FROM {Database}.test WHERE run_id = ? AND ran_num < ? GROUP BY class ORDER BY class";
        var fraction = (0.1 + (Random.Shared.NextDouble() * 0.8)).ToString("0.000000", CultureInfo.InvariantCulture); // this test's own SQL + parameters

        var first = await ExecuteAsync(sql, [Quote(Run.RunId), fraction], reuse);
        var before = await standins.AthenaCallsAsync();
        var second = await ExecuteAsync(sql, [Quote(Run.RunId), fraction], reuse);
        var other = await ExecuteAsync(sql, [Quote(Run.RunId), "0.999"], reuse);
        var overridden = await ExecuteAsync(sql, [Quote(Run.RunId), fraction], reuse, new ResultConfiguration { OutputLocation = $"s3://{standins.Bucket}/elsewhere/" });
        await standins.AdvanceAthenaClockAsync(61);
        var aged = await ExecuteAsync(sql, [Quote(Run.RunId), fraction], reuse);

        Assert.False(first.Statistics?.ResultReuseInformation?.ReusedPreviousResult);
        Assert.True(first.Statistics?.DataScannedInBytes > 0);
        Assert.True(second.Statistics?.ResultReuseInformation?.ReusedPreviousResult);
        Assert.Equal(0, second.Statistics?.DataScannedInBytes);
        Assert.Equal(first.ResultConfiguration?.OutputLocation, second.ResultConfiguration?.OutputLocation);
        Assert.Equal(
            (await ResultsAsync(first)).Rows.Select(r => string.Join(",", r)),
            (await ResultsAsync(second)).Rows.Select(r => string.Join(",", r)));
        Assert.False(other.Statistics?.ResultReuseInformation?.ReusedPreviousResult);
        Assert.False(overridden.Statistics?.ResultReuseInformation?.ReusedPreviousResult);
        Assert.StartsWith(standins.AthenaOutputLocation, overridden.ResultConfiguration?.OutputLocation, StringComparison.Ordinal); // the workgroup enforces its own
        Assert.False(aged.Statistics?.ResultReuseInformation?.ReusedPreviousResult);
        var logged = (await standins.AthenaCallsAsync()).GetProperty("queries").EnumerateArray().Single(q => q.GetProperty("QueryExecutionId").GetString() == second.QueryExecutionId);
        Assert.True(logged.GetProperty("Reused").GetBoolean());
        Assert.True(before.GetProperty("counts").GetProperty("StartQueryExecution").GetInt32() >= 1);
    }

    [Fact]
    public async Task BytesScannedCutoff_AQueryOverIt_IsCancelledWithTheReason_OneUnderItRuns()
    {
        var workgroup = "cutoff-" + Guid.NewGuid().ToString("N")[..8];
        await standins.CreateAthenaWorkGroupAsync(workgroup, bytesScannedCutoffPerQuery: Run.GridBytes[3] + 1);
        var sql = $"SELECT n_hidden, COUNT(*) AS cells FROM {Database}.grid WHERE run_id = ? AND n_hidden IN (?, ?) GROUP BY n_hidden";

        var over = await ExecuteAsync(sql, [Quote(Run.RunId), "3", "5"], workgroup: workgroup);
        var under = await ExecuteAsync(sql, [Quote(Run.RunId), "3", "3"], workgroup: workgroup);

        Assert.Equal("CANCELLED", over.Status?.State);
        Assert.Contains("data usage limit", over.Status?.StateChangeReason, StringComparison.Ordinal);
        Assert.Equal(Run.GridBytes[3] + Run.GridBytes[5], over.Statistics?.DataScannedInBytes);
        Assert.Equal(2, over.Status?.AthenaError?.ErrorCategory);
        Assert.Equal("SUCCEEDED", under.Status?.State);
        Assert.Equal(Run.GridBytes[3], under.Statistics?.DataScannedInBytes);
    }

    [Theory]
    [InlineData("grid", "run_id = ?", "n_hidden")]
    [InlineData("grid", "run_id = ? AND n_hidden > 3", "n_hidden")]
    [InlineData("grid", "run_id = ? AND n_hidden IN (3, 5) OR n_hidden = 3", "run_id")]
    [InlineData("grid", "n_hidden = 3 AND run_id LIKE ?", "run_id")]
    [InlineData("metrics", "train_acc > 0 AND run_id <> ?", "run_id")]
    public async Task InjectedProjection_WithoutStaticValues_FailsWithConstraintViolation(string table, string where, string column)
    {
        var execution = await ExecuteAsync($"SELECT COUNT(*) AS n FROM {Database}.{table} WHERE {where}", [Quote(Run.RunId)]);

        Assert.Equal("FAILED", execution.Status?.State);
        Assert.Equal(
            $"CONSTRAINT_VIOLATION: For the injected projected partition column {column}, the WHERE clause must contain only static equality conditions, and at least one such condition must be present.",
            execution.Status?.StateChangeReason);
        Assert.Equal(2, execution.Status?.AthenaError?.ErrorCategory);
        Assert.False(execution.Status?.AthenaError?.Retryable);
        Assert.Equal(0, execution.Statistics?.DataScannedInBytes);
    }

    [Fact]
    public async Task ExecutionParameters_AWrongCountOrANonLiteral_FailsTheQueryAsAthenaDoes()
    {
        var sql = $"SELECT COUNT(*) AS n FROM {Database}.grid WHERE run_id = ? AND n_hidden = ?";

        var tooFew = await ExecuteAsync(sql, [Quote(Run.RunId)]);
        var tooMany = await ExecuteAsync(sql, [Quote(Run.RunId), "3", "5"]);
        var unquoted = await ExecuteAsync(sql, [Run.RunId, "3"]);
        var right = await ExecuteAsync(sql, [Quote(Run.RunId), "3"]);

        Assert.Equal("FAILED", tooFew.Status?.State);
        Assert.Equal("SYNTAX_ERROR: line 1:1: Incorrect number of parameters: expected 2 but found 1", tooFew.Status?.StateChangeReason);
        Assert.Equal(1006, tooFew.Status?.AthenaError?.ErrorType);
        Assert.Equal("Incorrect number of parameters: expected 2 but found 3", tooMany.Status?.AthenaError?.ErrorMessage?["SYNTAX_ERROR: line 1:1: ".Length..]);
        Assert.Equal("FAILED", unquoted.Status?.State);
        Assert.Contains("not a SQL literal", unquoted.Status?.StateChangeReason, StringComparison.Ordinal);
        Assert.Equal(Run.GridRows.ToString(CultureInfo.InvariantCulture), (await ResultsAsync(right)).Rows.Single()[0]);
    }

    [Fact]
    public async Task Throttling_TheNextKCallsAnswerTooManyRequests_AndTheCallsLogCountsEveryCall()
    {
        using var once = standins.Athena(retries: 0);
        var start = new StartQueryExecutionRequest { QueryString = "SHOW DATABASES", WorkGroup = standins.AthenaWorkGroup };
        var before = Count(await standins.AthenaCallsAsync(), "StartQueryExecution");
        await standins.ArmAthenaAsync("""{"throttle": {"count": 2, "operations": ["StartQueryExecution"]}}""");

        var first = await Assert.ThrowsAnyAsync<AwsServiceException>(() => once.StartQueryExecutionAsync(start, Ct));
        var second = await Assert.ThrowsAnyAsync<AwsServiceException>(() => once.StartQueryExecutionAsync(start, Ct));
        var third = await once.StartQueryExecutionAsync(start, Ct);

        Assert.Equal("TooManyRequestsException", first.ErrorCode);
        Assert.True(first.IsTransient);
        Assert.Equal("TooManyRequestsException", second.ErrorCode);
        Assert.NotNull(third.QueryExecutionId);
        Assert.Equal(before + 3, Count(await standins.AthenaCallsAsync(), "StartQueryExecution"));

        await standins.ArmAthenaAsync("""{"throttle": 2}""");
        var retried = await Athena.StartQueryExecutionAsync(start, Ct); // OneOff's client backs off and retries (3 retries)
        Assert.NotNull(retried.QueryExecutionId);
        Assert.Equal(before + 6, Count(await standins.AthenaCallsAsync(), "StartQueryExecution"));
    }

    [Fact]
    public async Task StopQueryExecution_AnUnfinishedQueryIsCancelled_AFinishedOneIsUnchanged()
    {
        var sql = $"SELECT COUNT(*) AS n FROM {Database}.train WHERE run_id = ?";
        await standins.ArmAthenaAsync("""{"slowRun": 5}""");
        var running = await StartAsync(sql, [Quote(Run.RunId)]);
        await WaitForStateAsync(running, "RUNNING");

        await Athena.StopQueryExecutionAsync(new StopQueryExecutionRequest { QueryExecutionId = running }, Ct);

        var stopped = await DescribeAsync(running);
        Assert.Equal("CANCELLED", stopped.Status?.State);
        Assert.NotNull(stopped.Status?.CompletionDateTime);
        var refused = await Assert.ThrowsAnyAsync<AwsServiceException>(() => Athena.GetQueryResultsAsync(new GetQueryResultsRequest { QueryExecutionId = running }, Ct));
        Assert.Equal("InvalidRequestException", refused.ErrorCode);

        var done = await ExecuteAsync(sql, [Quote(Run.RunId)]);
        await Athena.StopQueryExecutionAsync(new StopQueryExecutionRequest { QueryExecutionId = done.QueryExecutionId! }, Ct);
        Assert.Equal("SUCCEEDED", (await DescribeAsync(done.QueryExecutionId!)).Status?.State);
        Assert.Equal(Run.TrainSize.ToString(CultureInfo.InvariantCulture), (await ResultsAsync(done)).Rows.Single()[0]);
    }

    [Fact]
    public async Task ArmedFaults_AFailedQueryCarriesTheGivenError_ASlowQueueStaysQueued()
    {
        var sql = $"SELECT COUNT(*) AS n FROM {Database}.test WHERE run_id = ?";
        await standins.ArmAthenaAsync("""{"queryFailure": {"errorCategory": 1, "errorType": 401, "retryable": true, "message": "Failed to write the query results to S3"}}""");
        var failed = await ExecuteAsync(sql, [Quote(Run.RunId)]);

        Assert.Equal("FAILED", failed.Status?.State);
        Assert.Equal("Failed to write the query results to S3", failed.Status?.StateChangeReason);
        Assert.Equal(1, failed.Status?.AthenaError?.ErrorCategory);
        Assert.Equal(401, failed.Status?.AthenaError?.ErrorType);
        Assert.True(failed.Status?.AthenaError?.Retryable);

        await standins.ArmAthenaAsync("""{"slowQueue": 0.8}""");
        var queued = await StartAsync(sql, [Quote(Run.RunId)]);
        await Task.Delay(500, Ct);
        Assert.Equal("QUEUED", (await DescribeAsync(queued)).Status?.State);
        var finished = await WaitForFinalAsync(queued);
        Assert.Equal("SUCCEEDED", finished.Status?.State);
        Assert.True(finished.Statistics?.QueryQueueTimeInMillis >= 800, $"queued {finished.Statistics?.QueryQueueTimeInMillis} ms");
    }

    // ----------------------------------------------------------------------------------------------------------

    private sealed record SeededRun(string RunId, string Root, int TrainSize, int GridRows, IReadOnlyDictionary<int, long> GridBytes);

    private static bool IsPartitioned(string table) => table is "grid" or "metrics" or "loss";

    [GeneratedRegex(@"n_hidden\s+IN\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex NHiddenIn();

    [GeneratedRegex(@"\b(FROM|JOIN)\s+(train|test|grid|metrics|loss)\b")]
    private static partial Regex LogicalTable();

    private static string Qualify(string sql) => LogicalTable().Replace(sql, m => $"{m.Groups[1].Value} {Database}.{m.Groups[2].Value}");

    private static string Quote(string value) => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static int Count(JsonElement calls, string operation) =>
        calls.GetProperty("counts").TryGetProperty(operation, out var n) ? n.GetInt32() : 0;

    /// <summary>The value each <c>?</c> of a catalog query takes here, from what it is compared with.</summary>
    private List<(string Athena, object Local)> Parameters(string sql)
    {
        var result = new List<(string, object)>();
        var inList = 0;
        for (var i = sql.IndexOf('?', StringComparison.Ordinal); i >= 0; i = sql.IndexOf('?', i + 1))
        {
            var before = sql[..i];
            if (Regex.IsMatch(before, @"n_hidden\s+IN\s*\([\s?,]*$", RegexOptions.IgnoreCase))
            {
                result.Add((s_sizes[inList].ToString(CultureInfo.InvariantCulture), s_sizes[inList]));
                inList++;
            }
            else if (Regex.IsMatch(before, @"run_id\s*=\s*$"))
            {
                result.Add((Quote(Run.RunId), Run.RunId));
                inList = 0;
            }
            else if (Regex.IsMatch(before, @"n_hidden\s*=\s*$"))
            {
                result.Add(("3", 3));
            }
            else if (Regex.IsMatch(before, @"ran_num\s*<\s*$"))
            {
                result.Add(("0.5", 0.5));
            }
            else
            {
                throw new InvalidOperationException($"A catalog parameter this test does not know: ...{before[^Math.Min(before.Length, 40)..]}?");
            }
        }

        return result;
    }

    private static void AssertSameValue(object? local, string? remote, string where)
    {
        switch (local)
        {
            case null:
                Assert.True(remote is null, $"{where}: NULL locally, {remote} on the stand-in");
                break;
            case double d:
                Assert.True(remote is not null && double.Parse(remote, NumberStyles.Float, CultureInfo.InvariantCulture) == d, $"{where}: {d:R} locally, {remote} on the stand-in");
                break;
            default:
                Assert.Equal(Convert.ToString(local, CultureInfo.InvariantCulture), remote);
                break;
        }
    }

    private async Task<SeededRun> SeedAsync()
    {
        var runId = "athena-" + Guid.NewGuid().ToString("N")[..8];
        var root = Path.Combine(Path.GetTempPath(), "oneoff-athena-standin-" + runId);
        const int trainSize = 1500;
        await TestRuns.WriteAsync(root, runId, trainSize: trainSize, hidden: s_sizes);
        var runFolder = Path.Combine(root, "runs", runId);
        var gridBytes = new Dictionary<int, long>();
        foreach (var file in Directory.EnumerateFiles(runFolder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(runFolder, file).Replace('\\', '/');
            await S3.PutObjectAsync(new PutObjectRequest { BucketName = standins.Bucket, Key = $"{standins.Prefix}/runs/{runId}/{relative}", FilePath = file }, Ct);
            var m = Regex.Match(relative, @"^grid/n_hidden=(\d+)/[^_.][^/]*$");
            if (m.Success)
            {
                var n = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                gridBytes[n] = gridBytes.GetValueOrDefault(n) + new FileInfo(file).Length;
            }
        }

        await DdlAsync($"CREATE DATABASE IF NOT EXISTS {Database}");
        foreach (var ddl in TableDdl())
        {
            await DdlAsync(ddl);
        }

        return new SeededRun(runId, root, trainSize, 101 * 101, gridBytes);
    }

    private IEnumerable<string> TableDdl()
    {
        const string points = "id bigint, ran_num double, class string, xscore double, oscore double, bscore double, x0 double, y0 double, x double, y double";
        yield return Table("train", points, partitioned: false);
        yield return Table("test", points, partitioned: false);
        yield return GridDdl("grid", SchemaVersion);
        yield return Table("metrics", "train_acc double, test_acc double, surface_agree double, iterations int, final_loss double, fit_seconds double, stop_reason string", partitioned: true);
        yield return Table("loss", "iteration int, loss double", partitioned: true);
    }

    private string GridDdl(string name, string version) =>
        Table(name, "x double, y double, class_pred string, p_x double, p_o double, p_b double", partitioned: true, folder: "grid", version: version);

    private string Table(string name, string columns, bool partitioned, string? folder = null, string version = SchemaVersion)
    {
        var root = $"s3://{standins.Bucket}/{standins.Prefix}/runs/";
        var template = $"{root}${{run_id}}/{folder ?? name}/" + (partitioned ? "n_hidden=${n_hidden}/" : "");
        return $"""
            CREATE EXTERNAL TABLE IF NOT EXISTS {Database}.{name} ({columns})
            PARTITIONED BY (run_id string{(partitioned ? ", n_hidden int" : "")})
            STORED AS PARQUET
            LOCATION '{root}'
            TBLPROPERTIES ('projection.enabled'='true', 'projection.run_id.type'='injected',{(partitioned ? " 'projection.n_hidden.type'='injected'," : "")}
              'storage.location.template'='{template}', 'oneoff.schema_version'='{version}')
            """;
    }

    private async Task LocalViewsAsync(DuckDBConnection duck)
    {
        var run = Path.Combine(Run.Root, "runs", Run.RunId).Replace("'", "''", StringComparison.Ordinal);
        foreach (var table in new[] { "train", "test", "grid", "metrics", "loss" })
        {
            var source = IsPartitioned(table)
                ? $"read_parquet('{run}/{table}/*/*.parquet', hive_partitioning = true, hive_types = {{'n_hidden': INTEGER}})"
                : $"read_parquet('{run}/{table}/*.parquet')";
            using var command = duck.CreateCommand();
            command.CommandText = $"CREATE TEMP VIEW {table} AS SELECT '{Run.RunId}' AS run_id, * FROM {source}";
            await command.ExecuteNonQueryAsync(Ct);
        }
    }

    private static async Task<(List<string> Columns, List<object?[]> Rows)> LocalAsync(DuckDBConnection duck, string sql, List<object> parameters)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        foreach (var p in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(p));
        }

        using var reader = await command.ExecuteReaderAsync(Ct);
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i))]);
        }

        return (columns, rows);
    }

    /// <summary>A second Athena stand-in of this test's own over the fixture's S3, stopped after <paramref name="use"/>.</summary>
    private async Task<T> WithOwnStandInAsync<T>(string work, Func<AthenaClient, Task<T>> use)
    {
        var portFile = Path.Combine(Path.GetTempPath(), "athena-port-" + Guid.NewGuid().ToString("N")[..8]);
        var info = new System.Diagnostics.ProcessStartInfo("node") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            Path.Combine(RepoPaths.Root, "tests", "standins", "athena_standin.mjs"), "--s3-endpoint", standins.S3Endpoint.ToString(),
            "--port", "0", "--port-file", portFile, "--work", work, "--bucket", standins.Bucket, "--prefix", standins.Prefix,
        })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        try
        {
            for (var i = 0; i < 300 && !File.Exists(portFile); i++)
            {
                await Task.Delay(20, Ct);
            }

            var port = (await File.ReadAllTextAsync(portFile, Ct)).Trim();
            using var client = ClientFactory.Athena(new Uri($"http://127.0.0.1:{port}"), ClientFactory.Options());
            return await use(client);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
            File.Delete(portFile);
        }
    }

    private static async Task<QueryExecution> ExecuteOnAsync(AthenaClient client, string sql)
    {
        var id = (await client.StartQueryExecutionAsync(new StartQueryExecutionRequest { QueryString = sql, WorkGroup = "oneoff-standin" }, Ct)).QueryExecutionId!;
        for (var i = 0; i < 3000; i++)
        {
            var execution = (await client.GetQueryExecutionAsync(new GetQueryExecutionRequest { QueryExecutionId = id }, Ct)).QueryExecution!;
            if (execution.Status?.State is "SUCCEEDED" or "FAILED" or "CANCELLED")
            {
                Assert.True(execution.Status.State == "SUCCEEDED", $"{sql}: {execution.Status.StateChangeReason}");
                return execution;
            }

            await Task.Delay(10, Ct);
        }

        throw new TimeoutException($"query {id} did not finish");
    }

    private async Task<JsonElement> RunScriptAsync(string program, string script)
    {
        var input = JsonSerializer.Serialize(new
        {
            athena = standins.AthenaEndpoint.ToString(),
            standin = standins.AthenaStandIn.ToString().TrimEnd('/'),
            region = standins.Region,
            database = Database,
            workgroup = standins.AthenaWorkGroup,
            runId = Run.RunId,
            sizes = s_sizes,
        });
        if (ProcessRunner.FindOnPath(program) is null)
        {
            Assert.Skip($"{program} is not on PATH");
        }

        var path = Path.Combine(RepoPaths.Root, "tests", "OneOff.Aws.Tests", "StandIns", script);
        var result = await ProcessRunner.RunAsync(program, [path], stdin: input, timeout: TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.StdErr);
        return JsonDocument.Parse(result.StdOut).RootElement.Clone();
    }

    private async Task DdlAsync(string sql)
    {
        var execution = await ExecuteAsync(sql, []);
        Assert.True(execution.Status?.State == "SUCCEEDED", $"{sql}\n-> {execution.Status?.State}: {execution.Status?.StateChangeReason}");
        Assert.Equal("DDL", execution.StatementType);
    }

    private async Task<string?[]> VersionAsync(string table)
    {
        var execution = await ExecuteAsync($"SHOW TBLPROPERTIES {Database}.{table} ('oneoff.schema_version')", []);
        Assert.Equal("UTILITY", execution.StatementType);
        var page = await Athena.GetQueryResultsAsync(new GetQueryResultsRequest { QueryExecutionId = execution.QueryExecutionId! }, Ct);
        return [.. page.ResultSet!.Rows!.Select(r => r.Data!.Single().VarCharValue)]; // one row, no header
    }

    private Task<AthenaQueryResults> ResultsAsync(QueryExecution execution) =>
        Athena.GetAllQueryResultsAsync(execution.QueryExecutionId!, execution.StatementType, cancellationToken: Ct);

    private async Task<string> StartAsync(string sql, IReadOnlyList<string> parameters, ResultReuseConfiguration? reuse = null, ResultConfiguration? result = null, string? workgroup = null)
    {
        var started = await Athena.StartQueryExecutionAsync(
            new StartQueryExecutionRequest
            {
                QueryString = sql,
                ClientRequestToken = Guid.NewGuid().ToString(),
                QueryExecutionContext = new QueryExecutionContext { Database = Database, Catalog = "AwsDataCatalog" },
                ResultConfiguration = result,
                WorkGroup = workgroup ?? standins.AthenaWorkGroup,
                ExecutionParameters = parameters.Count > 0 ? parameters : null,
                ResultReuseConfiguration = reuse,
            },
            Ct);
        return started.QueryExecutionId!;
    }

    private async Task<QueryExecution> ExecuteAsync(string sql, IReadOnlyList<string> parameters, ResultReuseConfiguration? reuse = null, ResultConfiguration? result = null, string? workgroup = null) =>
        await WaitForFinalAsync(await StartAsync(sql, parameters, reuse, result, workgroup));

    private async Task<QueryExecution> DescribeAsync(string id) =>
        (await Athena.GetQueryExecutionAsync(new GetQueryExecutionRequest { QueryExecutionId = id }, Ct)).QueryExecution!;

    private async Task<QueryExecution> WaitForFinalAsync(string id)
    {
        for (var i = 0; i < 3000; i++)
        {
            var execution = await DescribeAsync(id);
            if (execution.Status?.State is "SUCCEEDED" or "FAILED" or "CANCELLED")
            {
                return execution;
            }

            await Task.Delay(10, Ct);
        }

        throw new TimeoutException($"query {id} did not finish");
    }

    private async Task WaitForStateAsync(string id, string state)
    {
        for (var i = 0; i < 3000 && (await DescribeAsync(id)).Status?.State != state; i++)
        {
            await Task.Delay(10, Ct);
        }
    }

    private async Task<string> ReadTextAsync(string key)
    {
        using var response = await S3.GetObjectAsync(standins.Bucket, key, Ct);
        using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
        return await reader.ReadToEndAsync(Ct);
    }

    /// <summary>One RFC 4180 line: quoted fields with doubled quotes; an empty unquoted field is NULL.</summary>
    private static string?[] ParseCsvLine(string line)
    {
        var fields = new List<string?>();
        var i = 0;
        while (i <= line.Length)
        {
            if (i < line.Length && line[i] == '"')
            {
                var value = new StringBuilder();
                i++;
                while (i < line.Length && !(line[i] == '"' && (i + 1 == line.Length || line[i + 1] != '"')))
                {
                    value.Append(line[i]);
                    i += line[i] == '"' ? 2 : 1;
                }

                fields.Add(value.ToString());
                i += 2; // closing quote and comma
            }
            else
            {
                var end = line.IndexOf(',', i);
                end = end < 0 ? line.Length : end;
                fields.Add(end == i ? null : line[i..end]);
                i = end + 1;
            }
        }

        return [.. fields];
    }
}
