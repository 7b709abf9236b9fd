// The run page's data of an Aws run on the stand-ins (moto S3 + the Athena stand-in: DuckDB under Athena's protocol),
// against the same run's page in local mode (DuckDB over the folder), through the app's own ResultsService and cache:
//   first view  — nothing cached (after the app's background warm-up at start), Athena asked (later ones meet Athena's result reuse);
//   second view — cached (what every view after the background warm-up costs): wall time and Athena calls.
// Not a test: numbers vary by machine and load. Everything binds to 127.0.0.1; temp folders are deleted at the end.
// Options: --views N (uncached views measured, default 5), --train-size N (default 15000, the default study).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Results;
using OneOff.Testing;

var views = Option("--views", 5);
var trainSize = Option("--train-size", 15_000);
var culture = CultureInfo.InvariantCulture;
const string RunId = "20261202-000000-bnch";

await using var deployment = await StandInDeployment.StartAsync();
foreach (var (name, value) in deployment.Exports.Where(e => e.Key.StartsWith("AWS_", StringComparison.Ordinal)))
{
    // The AWS SDK conventions our clients read (endpoints, test credentials, region), as `. ./aws.env` sets them.
    Environment.SetEnvironmentVariable(name, value);
}

using var local = new TempFolder();
using var awsData = new TempFolder();
// The start-up check wants a bundle; this bench starts no cluster.
using var bundle = JobBundleSource.Placeholder();

Console.Error.WriteLine($"writing run {RunId} ({trainSize} points, the default sizes) with the real job, and uploading it to the stand-in's S3");
await TestRuns.WriteAsync(local.Path, RunId, trainSize: trainSize, hidden: [5, 7, 10, 30, 50, 75, 100, 200, 400, 600]);
using (var s3 = new AmazonS3Client(new AmazonS3Config { ServiceURL = deployment.Exports["AWS_ENDPOINT_URL_S3"], ForcePathStyle = true, AuthenticationRegion = deployment.Exports["AWS_REGION"] }))
{
    foreach (var file in Directory.EnumerateFiles(Path.Combine(local.Path, "runs", RunId), "*", SearchOption.AllDirectories))
    {
        var relative = Path.GetRelativePath(local.Path, file).Replace('\\', '/');
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = deployment.Bucket, Key = $"{deployment.Prefix}/{relative}", FilePath = file });
    }
}

var awsSettings = deployment.Exports.Where(e => e.Key.StartsWith("OneOff__", StringComparison.Ordinal))
    .ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value);
awsSettings["OneOff:Aws:Emr:BundleFolder"] = bundle.Path;
await using var localApp = new DashboardApp(local.Path);
await using var awsApp = new DashboardApp(awsData.Path, settings: awsSettings);
var fraction = ResultsService.PlotSampleFraction(trainSize);
using var http = new HttpClient();

var localViews = await MeasureAsync(localApp, views, athena: false);
var awsViews = await MeasureAsync(awsApp, views, athena: true);
Console.WriteLine($"The run page's data of one run ({trainSize:N0} points, 10 sizes): {views} uncached views, then 200 cached, through ResultsService");
Console.WriteLine($"{"",-34}{"local (DuckDB)",18}{"Aws (Athena stand-in)",24}{"ratio",8}");
Row("first view after the warm-up", localViews.First, awsViews.First);
Row("first view, median", Median(localViews.Uncached), Median(awsViews.Uncached));
Row("second view (cached), median", Median(localViews.Cached), Median(awsViews.Cached));
Console.WriteLine($"Athena StartQueryExecution calls: the background warm-up at start {awsViews.WarmupCalls} (catalog DDL included); the first uncached view {awsViews.FirstCalls}; each later uncached view {awsViews.UncachedCalls} ({awsViews.Reused} of them answered from Athena's result reuse); all 200 cached views {awsViews.CachedCalls}.");
return 0;

async Task<Views> MeasureAsync(DashboardApp app, int count, bool athena)
{
    _ = app.Server;
    var results = app.Services.GetRequiredService<ResultsService>();
    // The app adopts the run at start and warms its page in the background (catalog DDL included on Aws): let it
    // finish (no new Athena query for 2 s), then start from an empty cache.
    var calls0 = athena ? await QuietAsync() : default;
    await Task.Delay(athena ? 0 : 2000);
    await results.EvictRunAsync(RunId);
    var clock = Stopwatch.StartNew();
    await results.GetRunResultsAsync(RunId, fraction);
    var first = clock.Elapsed.TotalMilliseconds;
    var calls1 = athena ? await QueriesAsync() : default;
    var uncached = new List<double>();
    for (var i = 0; i < count; i++)
    {
        await results.EvictRunAsync(RunId);
        clock.Restart();
        await results.GetRunResultsAsync(RunId, fraction);
        uncached.Add(clock.Elapsed.TotalMilliseconds);
    }

    var calls2 = athena ? await QueriesAsync() : default;
    var cached = new List<double>();
    for (var i = 0; i < 200; i++)
    {
        clock.Restart();
        await results.GetRunResultsAsync(RunId, fraction);
        cached.Add(clock.Elapsed.TotalMilliseconds);
    }

    var calls3 = athena ? await QueriesAsync() : default;
    return new Views(calls0.Started, first, uncached, cached, calls1.Started - calls0.Started, count == 0 ? 0 : (calls2.Started - calls1.Started) / count,
        count == 0 ? 0 : (calls2.Reused - calls1.Reused) / count, calls3.Started - calls2.Started);
}

async Task<(int Started, int Reused)> QuietAsync()
{
    var last = await QueriesAsync();
    var quietSince = Stopwatch.StartNew();
    while (quietSince.Elapsed < TimeSpan.FromSeconds(2))
    {
        await Task.Delay(200);
        var now = await QueriesAsync();
        if (now.Started != last.Started)
        {
            (last, quietSince) = (now, Stopwatch.StartNew());
        }
    }

    return last;
}

async Task<(int Started, int Reused)> QueriesAsync()
{
    var log = JsonNode.Parse(await http.GetStringAsync(new Uri(new Uri(deployment.Exports["ATHENA_STANDIN_URL"]), "/_calls")))!;
    return ((int?)log["counts"]?["StartQueryExecution"] ?? 0, log["queries"]!.AsArray().Count(q => (bool?)q!["Reused"] == true));
}

void Row(string label, double localMs, double awsMs) =>
    Console.WriteLine(string.Create(culture, $"{label,-34}{localMs,15:0.0} ms{awsMs,21:0.0} ms{awsMs / localMs,7:0.0}×"));

static double Median(List<double> values) => values.Count == 0 ? double.NaN : values.Order().ElementAt(values.Count / 2);

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

internal sealed record Views(int WarmupCalls, double First, List<double> Uncached, List<double> Cached, int FirstCalls, int UncachedCalls, int Reused, int CachedCalls);
