using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Playwright;
using OneOff.Testing;

namespace OneOff.EndToEnd.Tests;

/// <summary>
/// Aws mode with no account: the stand-ins of <c>tests/standins/start</c> (moto for S3, the EMR stand-in running the
/// real bootstrap script, driver and job), the built dashboard as its own process configured by the script's
/// exports only (as the README tells an operator), the job bundle built by its MSBuild target, and Chromium.
/// </summary>
public sealed class AwsDashboardFixture : IAsyncLifetime
{
    /// <summary>Each phase lasts long enough (≥ 1 s) for a 0.5 s poller and the page to show it.</summary>
    private static readonly string[] s_delays =
        ["--start-delay", "1.5", "--bootstrap-delay", "1", "--ready-delay", "0.5", "--step-delay", "0.3", "--terminate-delay", "0.3", "--log-delay", "1"];

    private readonly string _dataRoot = Directory.CreateTempSubdirectory("oneoff-e2e-aws-").FullName;
    private IPlaywright? _playwright;

    public StandInDeployment Deployment { get; private set; } = null!;

    public DashboardProcess Dashboard { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var bundle = JobBundleSource.GetAsync();
        Deployment = await StandInDeployment.StartAsync(s_delays);
        var environment = new Dictionary<string, string>(Deployment.Exports, StringComparer.Ordinal)
        {
            ["OneOff__DataRoot"] = _dataRoot,
            ["OneOff__Aws__Emr__BundleFolder"] = (await bundle).Folder,
            ["OneOff__Aws__Emr__PollSeconds"] = "0.5",
        };
        Dashboard = new DashboardProcess(environment);
        await Dashboard.StartAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await BrowserFixture.LaunchChromiumAsync(_playwright);
    }

    public Task<IPage> NewPageAsync() => BrowserFixture.NewPageAsync(Browser, Dashboard.BaseAddress);

    /// <summary>An S3 client of the deployment's bucket (moto), as the AWS CLI with the exports would be.</summary>
    public AmazonS3Client S3() => new(
        new BasicAWSCredentials(Deployment.Exports["AWS_ACCESS_KEY_ID"], Deployment.Exports["AWS_SECRET_ACCESS_KEY"]),
        new AmazonS3Config { ServiceURL = Deployment.Exports["AWS_ENDPOINT_URL_S3"], ForcePathStyle = true, AuthenticationRegion = Deployment.Exports["AWS_REGION"] });

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Dashboard is not null)
        {
            await Dashboard.DisposeAsync();
        }

        if (Deployment is not null)
        {
            await Deployment.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>What an Operator sees of a run on EMR, in a real browser, from Run job to a terminated cluster.</summary>
public sealed partial class AwsJourneyTests(AwsDashboardFixture fixture) : IClassFixture<AwsDashboardFixture>, IAsyncLifetime
{
    /// <summary>Records every text the run's phase shows, however briefly (Blazor re-renders it in place).</summary>
    private const string RecordPhases = """
        window.__phases = [];
        new MutationObserver(() => {
            const phase = document.querySelector('#run-phase')?.textContent?.trim();
            if (phase && window.__phases[window.__phases.length - 1] !== phase) window.__phases.push(phase);
        }).observe(document, { subtree: true, childList: true, characterData: true });
        """;

    public async ValueTask InitializeAsync() => await fixture.Deployment.ClearEmrFaultsAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task RunJob_AwsMode_ShowsEveryPhaseToSucceededWithOutputsInS3AndTheClusterTerminated()
    {
        var page = await fixture.NewPageAsync();
        await page.AddInitScriptAsync(RecordPhases);
        await LogInAsync(page);

        await FillSmallRunAsync(page, "3,5");
        var estimate = await page.Locator("#work-estimate").TextContentAsync();
        await page.ScreenshotAsync(new() { Path = Shot("aws-01-form.png"), FullPage = true });
        // The stand-in holds the cluster at each short phase until the page has shown it: measured in CI, a loaded
        // machine drew the run page only after provisioning had passed.
        (string Point, string Phase)[] held =
            [("start", "provisioning"), ("bootstrap", "installing the job"), ("generate", "generating data"), ("publish", "publishing")];
        foreach (var (point, _) in held)
        {
            await fixture.Deployment.ArmEmrAsync($$"""{"hold": "{{point}}"}""");
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Run job" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(RunUrl());
        var runId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        foreach (var (point, phase) in held[..3])
        {
            await Assertions.Expect(page.Locator("#run-phase")).ToHaveTextAsync(phase, new() { Timeout = 120_000 });
            await fixture.Deployment.ReleaseEmrAsync(point);
        }
        await Assertions.Expect(page.Locator("#run-phase")).ToContainTextAsync("training", new() { Timeout = 120_000 });
        await page.ScreenshotAsync(new() { Path = Shot("aws-02-training.png"), FullPage = true });
        await Assertions.Expect(page.Locator("#run-phase")).ToHaveTextAsync(held[3].Phase, new() { Timeout = 120_000 });
        await fixture.Deployment.ReleaseEmrAsync(held[3].Point);
        await Assertions.Expect(page.Locator(".page-head .badge")).ToHaveTextAsync("Succeeded", new() { Timeout = 180_000 });
        var phases = await page.EvaluateAsync<string[]>("window.__phases");
        await page.ScreenshotAsync(new() { Path = Shot("aws-03-succeeded.png"), FullPage = true });

        Assert.Contains("on EMR (1 × m7g.xlarge + 1 × m7g.xlarge)", estimate, StringComparison.Ordinal);
        Assert.Contains("(estimated from list prices)", estimate, StringComparison.Ordinal);
        Assert.Equal(["provisioning", "installing the job", "generating data"], phases.Where(p => !p.StartsWith("training", StringComparison.Ordinal) && p != "publishing").Distinct().Take(3));
        Assert.Contains(phases, p => p.StartsWith("training", StringComparison.Ordinal));
        Assert.Contains("publishing", phases);
        Assert.True(phases.ToList().IndexOf("publishing") > phases.ToList().FindIndex(p => p.StartsWith("training", StringComparison.Ordinal)), string.Join(" → ", phases));
        await Assertions.Expect(page.Locator(".progress-table tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator(".run-cost")).ToContainTextAsync("estimated from list prices");
        // The plots come from Athena (the stand-in runs the catalog's SQL on DuckDB over the run's objects in S3).
        await WithDashboardLogAsync(() => DashboardJourneyTests.ExpectEveryChartDrawnAsync(page, points: 300, sizes: 2));
        var athenaQueries = await AthenaQueriesAsync();
        await page.ReloadAsync();
        await WithDashboardLogAsync(() => DashboardJourneyTests.ExpectEveryChartDrawnAsync(page, points: 300, sizes: 2));
        await WholePageShotAsync(page, Shot("aws-03b-charts.png"));
        Assert.True(athenaQueries > 0);
        // A second view, after a reload of the page, runs no Athena query at all (HybridCache).
        Assert.Equal(athenaQueries, await AthenaQueriesAsync());
        // What those queries scanned joins the run's record: its own figure, and a part of the cost.
        await Assertions.Expect(page.Locator(".run-queries .stat-note")).ToContainTextAsync(" queries");
        await Assertions.Expect(page.Locator(".run-cost")).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex(@"^Cluster (under \$0\.01|\$\d+\.\d\d) \(.*\) \+ Athena (under \$0\.01|\$\d+\.\d\d) \(\d+ quer"));

        var keys = await KeysAsync($"{fixture.Deployment.Prefix}/runs/{runId}/");
        Assert.Contains($"{fixture.Deployment.Prefix}/runs/{runId}/_manifest.json", keys);
        Assert.Contains($"{fixture.Deployment.Prefix}/runs/{runId}/train/part-0.parquet", keys);
        Assert.Contains($"{fixture.Deployment.Prefix}/runs/{runId}/metrics/n_hidden=5/part-0.parquet", keys);
        var cluster = Assert.Single(await ClustersOfAsync(runId));
        Assert.Equal("TERMINATED", cluster.State);
        await ExpectTheSameRunLocallyAsync(runId);

        await page.GetByRole(AriaRole.Link, new() { Name = "Runs", Exact = true }).First.ClickAsync();
        var row = page.Locator(".runs-table tbody tr").Filter(new() { HasText = runId });
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("Succeeded");
        await Assertions.Expect(row.Locator(".run-cost")).ToContainTextAsync("$");
        await page.ScreenshotAsync(new() { Path = Shot("aws-04-list.png"), FullPage = true });

        // Delete run removes the run's S3 prefix (and its cached results: its page is gone).
        await row.Locator("a.run-link").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete run" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete permanently" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Run deleted" })).ToBeVisibleAsync();
        Assert.Empty(await KeysAsync($"{fixture.Deployment.Prefix}/runs/{runId}/"));
    }

    [Fact]
    public async Task Dashboard_KilledWhileTheClusterStarts_ReattachesAfterTheRestartAndTheRunFinishes()
    {
        var page = await fixture.NewPageAsync();
        await LogInAsync(page);
        await FillSmallRunAsync(page, "3,4,5");
        // The stand-in holds the cluster while it installs the job (until the page has shown it) and then before its
        // first step (until the dashboard is back): the run cannot finish while the dashboard is down.
        await fixture.Deployment.ArmEmrAsync("""{"hold": "bootstrap"}""");
        await fixture.Deployment.ArmEmrAsync("""{"hold": "generate"}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run job" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(RunUrl());
        var runId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        await Assertions.Expect(page.Locator("#run-phase")).ToHaveTextAsync("installing the job", new() { Timeout = 120_000 });

        await fixture.Dashboard.KillAsync();
        await fixture.Deployment.ReleaseEmrAsync("bootstrap");
        var whileAway = Assert.Single(await ClustersOfAsync(runId));
        await fixture.Dashboard.StartAsync();
        var again = await fixture.NewPageAsync();
        await LogInAsync(again);
        await again.GotoAsync($"/runs/{runId}");
        await fixture.Deployment.ReleaseEmrAsync("generate");
        await Assertions.Expect(again.Locator(".page-head .badge")).ToHaveTextAsync("Succeeded", new() { Timeout = 180_000 });

        Assert.NotEqual("TERMINATED", whileAway.State);
        Assert.Contains($"Run {runId} reconciled: still running: re-attached", fixture.Dashboard.Output, StringComparison.Ordinal);
        await Assertions.Expect(again.Locator(".progress-table tbody tr")).ToHaveCountAsync(3);
        var cluster = Assert.Single(await ClustersOfAsync(runId));
        Assert.Equal("TERMINATED", cluster.State);
        Assert.Contains($"{fixture.Deployment.Prefix}/runs/{runId}/_manifest.json", await KeysAsync($"{fixture.Deployment.Prefix}/runs/{runId}/"));
    }

    private async Task<IReadOnlyList<(string Id, string Name, string State)>> ClustersOfAsync(string runId) =>
        [.. (await fixture.Deployment.ClustersAsync()).Where(c => c.Name.EndsWith(" " + runId, StringComparison.Ordinal))];

    /// <summary>Runs <paramref name="check"/>; when it fails, the failure carries the end of the dashboard's own log.</summary>
    private async Task WithDashboardLogAsync(Func<Task> check)
    {
        try
        {
            await check();
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            var log = fixture.Dashboard.Output;
            var athena = fixture.Deployment.WorkFolder is { } work && File.Exists(Path.Combine(work, "athena-standin.log"))
                ? await File.ReadAllTextAsync(Path.Combine(work, "athena-standin.log"))
                : "(no log)";
            throw new InvalidOperationException(
                $"{e.Message}\n--- the dashboard's log (end) ---\n{log[Math.Max(0, log.Length - 6000)..]}\n--- the Athena stand-in's log (end) ---\n{athena[Math.Max(0, athena.Length - 4000)..]}", e);
        }
    }

    /// <summary>
    /// One product, two deployments: the same parameters run on this machine by the same job give the same data and
    /// the same models as the run the EMR stand-in ran in pieces (generate, one train task per size, publish).
    /// </summary>
    private async Task ExpectTheSameRunLocallyAsync(string runId)
    {
        using var s3 = fixture.S3();
        var key = $"{fixture.Deployment.Prefix}/runs/{runId}/_manifest.json";
        using var remote = await s3.GetObjectAsync(fixture.Deployment.Bucket, key);
        using var buffer = new MemoryStream();
        await remote.ResponseStream.CopyToAsync(buffer);
        var onEmr = OneOff.Core.Runs.RunManifest.Parse(buffer.ToArray());
        using var local = new TempFolder();
        var job = Path.Combine(RepoPaths.Root, "src", "Dashboard", "bin", "Release", "net10.0", "job", "oneoff-job.dll");
        var ran = await ProcessRunner.RunAsync("dotnet", [job, "sweep", "--out", local.Path, "--run-id", runId, "--train-size", "300", "--test-size", "200", "--hidden", "3,5", "--max-iter", "30"], timeout: TimeSpan.FromMinutes(3));
        Assert.True(ran.ExitCode == 0, ran.StdErr);
        var here = OneOff.Core.Runs.RunManifest.Parse(await File.ReadAllBytesAsync(Path.Combine(local.Path, "runs", runId, "_manifest.json")));

        Assert.Equal(here.Parameters with { HiddenSizes = Array.Empty<int>() }, onEmr.Parameters with { HiddenSizes = Array.Empty<int>() });
        Assert.Equal(here.Parameters.HiddenSizes, onEmr.Parameters.HiddenSizes);
        Assert.Equal(here.Rows, onEmr.Rows);
        Assert.Equal(here.BestNHidden, onEmr.BestNHidden);
        Assert.Equal(
            here.Models.Select(m => (m.NHidden, m.TrainAcc, m.TestAcc, m.SurfaceAgree, m.Iterations, m.FinalLoss, m.StopReason)),
            onEmr.Models.Select(m => (m.NHidden, m.TrainAcc, m.TestAcc, m.SurfaceAgree, m.Iterations, m.FinalLoss, m.StopReason)));
        var train = await s3.GetObjectMetadataAsync(fixture.Deployment.Bucket, $"{fixture.Deployment.Prefix}/runs/{runId}/train/part-0.parquet");
        Assert.Equal(new FileInfo(Path.Combine(local.Path, "runs", runId, "train", "part-0.parquet")).Length, train.ContentLength);
    }

    /// <summary>How many queries the Athena stand-in has been asked to start (its calls log).</summary>
    private async Task<int> AthenaQueriesAsync()
    {
        using var http = new HttpClient();
        var calls = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync(new Uri(new Uri(fixture.Deployment.Exports["ATHENA_STANDIN_URL"]), "/_calls")))!;
        return (int?)calls["counts"]?["StartQueryExecution"] ?? 0;
    }

    private static Task WholePageShotAsync(IPage page, string path) => DashboardJourneyTests.WholePageShotAsync(page, path);

    private async Task<List<string>> KeysAsync(string prefix)
    {
        using var s3 = fixture.S3();
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = fixture.Deployment.Bucket, Prefix = prefix });
        return [.. (listed.S3Objects ?? []).Select(o => o.Key)];
    }

    /// <summary>A run the stand-in finishes in seconds: 300 points, a few small sizes, 30 iterations.</summary>
    private static async Task FillSmallRunAsync(IPage page, string hiddenSizes)
    {
        await page.GetByLabel("Train size").FillAsync("300");
        await page.GetByLabel("Test size").FillAsync("200");
        await page.GetByLabel("Hidden sizes").FillAsync(hiddenSizes);
        await page.GetByLabel("Max iterations").FillAsync("30");
    }

    private static async Task LogInAsync(IPage page)
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(BrowserFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Run job" })).ToBeEnabledAsync(new() { Timeout = 30_000 });
    }

    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotFolder, name);

    [GeneratedRegex("/runs/[0-9]{8}-[0-9]{6}-[a-z0-9]{4}$")]
    private static partial Regex RunUrl();
}
