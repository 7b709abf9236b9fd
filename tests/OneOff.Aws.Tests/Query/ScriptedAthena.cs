using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Logging.Abstractions;
using OneOff.Aws.Query;
using OneOff.Aws.Storage;
using OneOff.Aws.Tests.Clients;
using OneOff.Aws.Tests.Infrastructure;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Query;

/// <summary>How one started query behaves: the states its polls see, how it ends, its statistics and its results.</summary>
internal sealed record QueryPlan
{
    /// <summary>States the polls see before <see cref="Final"/> (Athena: QUEUED, then RUNNING).</summary>
    public IReadOnlyList<string> Before { get; init; } = ["QUEUED", "RUNNING"];

    /// <summary>The final state; null keeps the query RUNNING for ever.</summary>
    public string? Final { get; init; } = "SUCCEEDED";

    /// <summary>The AthenaError of a FAILED query (JSON).</summary>
    public string? AthenaError { get; init; }

    public long DataScannedInBytes { get; init; } = 1000;

    public bool Reused { get; init; }

    /// <summary>Column names and Athena types of the result.</summary>
    public IReadOnlyList<(string Name, string Type)> Columns { get; init; } = [];

    /// <summary>The result's data rows (cells as text, null for NULL).</summary>
    public IReadOnlyList<IReadOnlyList<string?>> Rows { get; init; } = [];

    /// <summary>Rows per GetQueryResults page (Athena: at most 1000).</summary>
    public int PageSize { get; init; } = 1000;

    /// <summary>DDL and UTILITY results have no header row; DML has one on page 1.</summary>
    public string StatementType { get; init; } = "DML";
}

/// <summary>
/// Athena and S3 on one <see cref="CaptureServer"/>, scripted per test: a StartQueryExecution gets the next id and a
/// <see cref="QueryPlan"/> chosen from its SQL; GetQueryExecution walks the plan's states; GetQueryResults pages its
/// rows (header row on page 1 of a DML, as Athena does: athenadriver's UndocumentedAthena.md, PyAthena's check);
/// the result CSV is served at the plan's output location, quoted as Athena writes it. The DDL of the catalog
/// succeeds at once; <see cref="ExistingTables"/> is what SHOW TABLES answers and <see cref="TableVersions"/> what
/// SHOW TBLPROPERTIES does.
/// </summary>
internal sealed class ScriptedAthena : IAsyncDisposable
{
    public const string RunId = "20260102-030405-abcd";
    public static readonly int[] Sizes = [5, 30, 200];
    public static readonly S3Root Root = new("bucket", "oneoff/");

    private readonly ConcurrentDictionary<string, (QueryPlan Plan, int Polls, string Sql)> _queries = new();
    private readonly ConcurrentQueue<JsonObject> _starts = new();
    private readonly ConcurrentQueue<string> _stops = new();
    private readonly ConcurrentQueue<string> _gets = new();
    private readonly ConcurrentQueue<string> _operations = new();
    private readonly ConcurrentQueue<string> _queryIds = new();
    private readonly ConcurrentQueue<string> _resultCalls = new();
    private readonly TempFolder _runs = new();
    private int _next;

    public ScriptedAthena()
    {
        Server.Responder = Answer;
        Store = new FolderObjectStore(_runs.Path);
    }

    public CaptureServer Server { get; } = new();

    /// <summary>Where the engine reads manifests.</summary>
    public FolderObjectStore Store { get; }

    /// <summary>Chooses how a started query behaves (DDL is handled before this is asked).</summary>
    public Func<string, QueryPlan> Plan { get; set; } = _ => new QueryPlan();

    /// <summary>Errors StartQueryExecution answers, in order, before it starts queries again.</summary>
    public ConcurrentQueue<CannedResponse> StartErrors { get; } = new();

    /// <summary>The workgroup GetWorkGroup answers (JSON of its Configuration).</summary>
    public string WorkGroupConfiguration { get; set; } = """{"EnforceWorkGroupConfiguration":false,"EngineVersion":{"EffectiveEngineVersion":"Athena engine version 3"}}""";

    public string WorkGroupState { get; set; } = "ENABLED";

    public HashSet<string> ExistingTables { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> TableVersions { get; } = new(StringComparer.Ordinal);

    /// <summary>Every StartQueryExecution body, in order.</summary>
    public IReadOnlyList<JsonObject> Starts => [.. _starts];

    /// <summary>The bodies of the catalog's queries (not the DDL).</summary>
    public IReadOnlyList<JsonObject> QueryStarts => [.. _starts.Where(s => !IsDdl(s["QueryString"]!.GetValue<string>()))];

    public IReadOnlyList<string> Stops => [.. _stops];

    /// <summary>The ids of the catalog's queries (not the DDL), in start order.</summary>
    public IReadOnlyList<string> QueryIds => [.. _queryIds];

    /// <summary>The query id of every GetQueryResults call.</summary>
    public IReadOnlyList<string> ResultCalls => [.. _resultCalls];

    /// <summary>S3 GETs (paths).</summary>
    public IReadOnlyList<string> S3Gets => [.. _gets];

    /// <summary>Athena operations, in order.</summary>
    public IReadOnlyList<string> Operations => [.. _operations];

    public async Task PublishAsync(string runId, params int[] sizes)
    {
        var manifest = new RunManifest(
            RunManifest.CurrentSchema, runId, "test", DateTimeOffset.UnixEpoch, ManifestParameters.From(new RunParameters()),
            [.. sizes.Select(n => new ModelMetrics(n, 0.9, 0.8, 0.7, 100, 0.25, 0.5, StopReason.MaxIter))],
            sizes[0], new ManifestRows(100, 100, 10201), new ManifestTimings(0, 0, 0, 0));
        await Store.PutAsync(RunKeys.Manifest(runId), manifest.ToJson());
    }

    /// <summary>An engine over this server with fast polling; <paramref name="configure"/> adjusts its settings.</summary>
    public AthenaQueryEngine Engine(AthenaUsage usage, Func<AthenaSettings, AthenaSettings>? configure = null, int protocolRetries = 0)
    {
        var settings = new AthenaSettings("oneoff_test", "oneoff-test", "s3://bucket/oneoff/athena-results/", 60, TimeSpan.FromSeconds(30), InlineValues: false)
        {
            FirstPollDelay = TimeSpan.FromMilliseconds(5),
            MaxPollDelay = TimeSpan.FromMilliseconds(20),
            RetryDelay = TimeSpan.FromMilliseconds(10),
        };
        settings = configure?.Invoke(settings) ?? settings;
        var client = ClientFactory.Athena(Server.Endpoint, ClientFactory.Options(retries: protocolRetries));
        var runner = new AthenaQueryRunner(client, settings, TimeProvider.System, NullLogger.Instance);
        var s3 = new AmazonS3Client(
            new BasicAWSCredentials("AKIDEXAMPLE", "secret"),
            new AmazonS3Config { ServiceURL = Server.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        return new AthenaQueryEngine(
            runner, new AthenaCatalog(runner, Root, NullLogger.Instance), Store, new AthenaResultFiles(s3), usage,
            NullLogger<AthenaQueryEngine>.Instance, new Disposables(client, s3));
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _runs.Dispose();
    }

    public static bool IsDdl(string sql) => sql.StartsWith("CREATE", StringComparison.Ordinal) || sql.StartsWith("SHOW", StringComparison.Ordinal) || sql.StartsWith("DROP", StringComparison.Ordinal);

    private CannedResponse Answer(CapturedRequest request)
    {
        if (request.Method == "GET")
        {
            _gets.Enqueue(request.Target);
            var id = Path.GetFileNameWithoutExtension(request.Target);
            if (!_queries.TryGetValue(id, out var query))
            {
                return new CannedResponse(404, "<Error><Code>NoSuchKey</Code><Message>no</Message></Error>", new Dictionary<string, string> { ["Content-Type"] = "application/xml" });
            }

            // S3's ETag of a single-part object is the hex MD5 of its body (the SDK checks it).
            var csv = Csv(query.Plan);
            var etag = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(csv)));
            return new CannedResponse(200, csv, new Dictionary<string, string> { ["Content-Type"] = "text/csv", ["ETag"] = $"\"{etag}\"" });
        }


        var operation = request.Header("X-Amz-Target")?.Split('.')[^1] ?? "";
        _operations.Enqueue(operation);
        var body = JsonNode.Parse(request.BodyText)!.AsObject();
        switch (operation)
        {
            case "GetWorkGroup":
                return Ok($$$"""{"WorkGroup":{"Name":{{{JsonSerializer.Serialize(body["WorkGroup"]!.GetValue<string>())}}},"State":"{{{WorkGroupState}}}","Configuration":{{{WorkGroupConfiguration}}}}}""");
            case "StartQueryExecution":
                _starts.Enqueue(body);
                if (StartErrors.TryDequeue(out var error))
                {
                    return error;
                }

                var sql = body["QueryString"]!.GetValue<string>();
                var started = $"q-{Interlocked.Increment(ref _next)}";
                _queries[started] = (PlanFor(sql), 0, sql);
                if (!IsDdl(sql))
                {
                    _queryIds.Enqueue(started);
                }

                return Ok($$"""{"QueryExecutionId":"{{started}}"}""");
            case "GetQueryExecution":
                return Ok(Execution(body["QueryExecutionId"]!.GetValue<string>()));
            case "GetQueryResults":
                _resultCalls.Enqueue(body["QueryExecutionId"]!.GetValue<string>());
                return Ok(Page(body["QueryExecutionId"]!.GetValue<string>(), body["NextToken"]?.GetValue<string>(), body["MaxResults"]?.GetValue<int>() ?? 1000));
            case "StopQueryExecution":
                var stopped = body["QueryExecutionId"]!.GetValue<string>();
                _stops.Enqueue(stopped);
                if (_queries.TryGetValue(stopped, out var q))
                {
                    _queries[stopped] = q with { Plan = q.Plan with { Before = [], Final = "CANCELLED" } };
                }

                return Ok("{}");
            default:
                return CannedResponse.Json("""{"__type":"UnknownOperationException"}""", 400);
        }
    }

    private QueryPlan PlanFor(string sql)
    {
        if (sql.StartsWith("SHOW TABLES", StringComparison.Ordinal))
        {
            return new QueryPlan { Before = [], StatementType = "UTILITY", Columns = [("tab_name", "varchar")], Rows = [.. ExistingTables.Select(t => (IReadOnlyList<string?>)[t])] };
        }

        if (sql.StartsWith("SHOW TBLPROPERTIES", StringComparison.Ordinal))
        {
            var table = sql.Split('`')[3];
            return new QueryPlan
            {
                Before = [], StatementType = "UTILITY", Columns = [("prpt_name", "varchar")],
                Rows = TableVersions.TryGetValue(table, out var version) ? [[$"oneoff.schema_version\t{version}"]] : [],
            };
        }

        return IsDdl(sql) ? new QueryPlan { Before = [], StatementType = "DDL" } : Plan(sql);
    }

    private string Execution(string id)
    {
        var (plan, polls, sql) = _queries[id];
        _queries[id] = (plan, polls + 1, sql);
        var state = polls < plan.Before.Count ? plan.Before[polls] : plan.Final ?? "RUNNING";
        var error = state == "FAILED" && plan.AthenaError is not null ? $",\"AthenaError\":{plan.AthenaError}" : "";
        var status = $"{{\"State\":\"{state}\",\"SubmissionDateTime\":1704164645.5{error}}}";
        var statistics = $"{{\"DataScannedInBytes\":{plan.DataScannedInBytes},\"ResultReuseInformation\":{{\"ReusedPreviousResult\":{(plan.Reused ? "true" : "false")}}}}}";
        return "{\"QueryExecution\":{\"QueryExecutionId\":\"" + id + "\",\"Query\":" + JsonSerializer.Serialize(sql) + ",\"StatementType\":\"" + plan.StatementType + "\","
            + "\"ResultConfiguration\":{\"OutputLocation\":\"s3://bucket/oneoff/athena-results/" + id + ".csv\"},"
            + "\"Status\":" + status + ",\"Statistics\":" + statistics + ",\"WorkGroup\":\"oneoff-test\"}}";
    }

    private string Page(string id, string? token, int maxResults)
    {
        var plan = _queries[id].Plan;
        var size = Math.Min(maxResults, plan.PageSize);
        var start = token is null ? 0 : int.Parse(token, System.Globalization.CultureInfo.InvariantCulture);
        var header = token is null && plan.StatementType == "DML";
        var rows = new JsonArray();
        if (header)
        {
            rows.Add(RowJson(plan.Columns.Select(c => (string?)c.Name).ToList()));
        }

        var take = Math.Min(size - (header ? 1 : 0), plan.Rows.Count - start);
        foreach (var row in plan.Rows.Skip(start).Take(take))
        {
            rows.Add(RowJson(row));
        }

        var next = start + take < plan.Rows.Count ? $",\"NextToken\":\"{start + take}\"" : "";
        var columns = string.Join(",", plan.Columns.Select(c => $$"""{"Name":"{{c.Name}}","Type":"{{c.Type}}"}"""));
        return "{\"UpdateCount\":0,\"ResultSet\":{\"Rows\":" + rows.ToJsonString() + ",\"ResultSetMetadata\":{\"ColumnInfo\":[" + columns + "]}}" + next + "}";
    }

    private static JsonObject RowJson(IReadOnlyList<string?> cells) =>
        new() { ["Data"] = new JsonArray([.. cells.Select(c => c is null ? new JsonObject() : new JsonObject { ["VarCharValue"] = c })]) };

    // Athena's result CSV: a header, every value double-quoted with quotes doubled, NULL as an empty unquoted field.
    private static string Csv(QueryPlan plan) =>
        string.Concat(new[] { plan.Columns.Select(c => (string?)c.Name).ToList() }.Concat(plan.Rows)
            .Select(row => string.Join(",", row.Select(c => c is null ? "" : "\"" + c.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")) + "\n"));

    private static CannedResponse Ok(string body) => CannedResponse.Json(body, requestId: "req-1");

    private sealed class Disposables(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }
}
