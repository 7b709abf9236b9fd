using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OneOff.Dashboard.Components;
using OneOff.Dashboard.Results;
using OneOff.Dashboard.Runs;
using OneOff.EndToEnd.Tests;

// The run page's speed, on the real dashboard (Kestrel on 127.0.0.1, a temp data root) driven from loopback:
//   1. Run job (default study) → every plot drawn, in headless Debian chromium (best and all of --runs);
//   2. the server time of a run page's data: ResultsService.GetRunResultsAsync uncached (all queries) and cached;
//   3. the run page under --sessions concurrent signed-in sessions (each its own cookie jar), p50/p95 and errors.
var sessions = Option("--sessions", 50);
var requests = Option("--requests", 20);
var runs = Option("--runs", 3);
const string Password = "Bench-Pass-2026";
var culture = CultureInfo.InvariantCulture;

// The dashboard's content root (WebApplicationFactory looks for it beside a solution otherwise).
Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ONEOFF_DASHBOARD",
    Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Dashboard")));
var dataRoot = Directory.CreateTempSubdirectory("oneoff-bench-").FullName;
await using var server = new BenchServer(dataRoot, Password);
server.UseKestrel(0);
server.StartServer();
var baseAddress = server.ClientOptions.BaseAddress;
Console.Error.WriteLine($"dashboard at {baseAddress}, data root {dataRoot}");

try
{
    // 1. Run job → plots.
    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1360, Height = 900 } });
    context.SetDefaultTimeout(120_000);
    var page = await context.NewPageAsync();
    await page.GotoAsync("/login");
    await page.GetByLabel("User name").FillAsync("admin");
    await page.GetByLabel("Password").FillAsync(Password);
    await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();

    var toPlots = new List<double>();
    var toSucceeded = new List<double>();
    var jobSeconds = new List<double>();
    var runId = "";
    for (var i = 0; i < runs; i++)
    {
        await page.GotoAsync("/");
        var runJob = page.GetByRole(AriaRole.Button, new() { Name = "Run job" });
        await Assertions.Expect(runJob).ToBeEnabledAsync();
        var clock = Stopwatch.StartNew();
        await runJob.ClickAsync();
        await page.WaitForURLAsync(new Regex("/runs/[0-9]{8}-[0-9]{6}-[a-z0-9]{4}$"));
        await Assertions.Expect(page.Locator(".page-head .badge")).ToHaveTextAsync("Succeeded", new() { Timeout = 120_000 });
        toSucceeded.Add(clock.Elapsed.TotalSeconds);
        var results = page.Locator("#results");
        await Assertions.Expect(results.GetByRole(AriaRole.Figure)).ToHaveCountAsync(5, new() { Timeout = 120_000 });
        var toFigures = clock.Elapsed.TotalSeconds;
        await WaitDrawnAsync(results);
        toPlots.Add(clock.Elapsed.TotalSeconds);
        runId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        var run = await server.Services.GetRequiredService<RunQueries>().GetAsync(runId) ?? throw new InvalidOperationException("The run is gone.");
        jobSeconds.Add((run.FinishedUtc - run.StartedUtc)?.TotalSeconds ?? double.NaN);
        Console.Error.WriteLine($"run {i + 1}: Run job → Succeeded shown {toSucceeded[^1]:0.00} s → charts on the page {toFigures:0.00} s → plots drawn {toPlots[^1]:0.00} s (the job itself {jobSeconds[^1]:0.00} s)");
    }

    // 2. The page's data, server side: the app's own ResultsService (and cache) over the last run.
    var resultsService = server.Services.GetRequiredService<ResultsService>();
    var fraction = ResultsService.PlotSampleFraction(15_000);
    var uncached = new List<double>();
    for (var i = 0; i < 7; i++)
    {
        await resultsService.EvictRunAsync(runId);
        var clock = Stopwatch.StartNew();
        await resultsService.GetRunResultsAsync(runId, fraction);
        uncached.Add(clock.Elapsed.TotalMilliseconds);
    }

    var cached = new List<double>();
    for (var i = 0; i < 500; i++)
    {
        var clock = Stopwatch.StartNew();
        await resultsService.GetRunResultsAsync(runId, fraction);
        cached.Add(clock.Elapsed.TotalMilliseconds);
    }

    // 3. Concurrent signed-in sessions, each its own cookie jar, each GETting the run page --requests times.
    var clients = await Task.WhenAll(Enumerable.Range(0, sessions).Select(_ => SignInAsync(baseAddress, Password)));
    var latencies = new List<double>();
    var errors = 0;
    var wall = Stopwatch.StartNew();
    await Task.WhenAll(clients.Select(async client =>
    {
        for (var i = 0; i < requests; i++)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                using var response = await client.GetAsync(new Uri($"/runs/{runId}", UriKind.Relative));
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK || !body.Contains("id=\"results\"", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref errors);
                }
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref errors);
            }

            lock (latencies)
            {
                latencies.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
    }));
    var seconds = wall.Elapsed.TotalSeconds;
    foreach (var client in clients)
    {
        client.Dispose();
    }

    Console.WriteLine(string.Create(culture, $"| Run job → every plot drawn (default study, {runs} runs) | best {toPlots.Min():0.00} s, median {Percentile(toPlots, 50):0.00} s (Succeeded shown at {Percentile(toSucceeded, 50):0.00} s; the job itself {Percentile(jobSeconds, 50):0.00} s) |"));
    Console.WriteLine(string.Create(culture, $"| Run page data, uncached (all queries, {uncached.Count} runs) | median {Percentile(uncached, 50):0.0} ms, best {uncached.Min():0.0} ms, first {uncached[0]:0.0} ms |"));
    Console.WriteLine(string.Create(culture, $"| Run page data, cached ({cached.Count} calls) | p50 {Percentile(cached, 50):0.000} ms, p95 {Percentile(cached, 95):0.000} ms |"));
    Console.WriteLine(string.Create(culture, $"| Run page GET, {sessions} concurrent signed-in sessions × {requests} | p50 {Percentile(latencies, 50):0} ms, p95 {Percentile(latencies, 95):0} ms, {latencies.Count / seconds:0} pages/s, {errors} errors |"));
    return errors == 0 ? 0 : 1;
}
finally
{
    await server.ReportUnfinishedRunsAsync();
    await server.DisposeAsync();
    Directory.Delete(dataRoot, recursive: true);
}

static async Task WaitDrawnAsync(ILocator results)
{
    var figures = results.GetByRole(AriaRole.Figure);
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < TimeSpan.FromSeconds(60))
    {
        var training = await ChartProbe.ReadAsync(figures.Nth(0));
        var surface = await ChartProbe.ReadAsync(figures.Nth(1));
        var grid = await ChartProbe.ReadAsync(figures.Nth(2));
        var accuracy = await ChartProbe.ReadAsync(figures.Nth(3));
        var loss = await ChartProbe.ReadAsync(figures.Nth(4));
        if (!training.WebGlAvailable)
        {
            throw new InvalidOperationException("WebGL is not available in this headless chromium: the training data cannot be drawn.");
        }

        if (training.GlPixels > 0 && surface.Images > 0 && grid.Images > 0 && accuracy.Traces > 0 && (loss.Traces > 0 || loss.GlPixels > 0))
        {
            return;
        }

        await Task.Delay(20);
    }

    throw new TimeoutException("The plots were not all drawn within 60 s.");
}

static async Task<HttpClient> SignInAsync(Uri baseAddress, string password)
{
    var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    var login = await client.GetStringAsync(new Uri("/login", UriKind.Relative));
    var token = Regex.Match(login, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
    using var form = new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["_handler"] = "login",
        ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
        ["Input.UserName"] = "admin",
        ["Input.Password"] = password,
        ["ReturnUrl"] = "",
    });
    using var response = await client.PostAsync(new Uri("/login", UriKind.Relative), form);
    if (response.StatusCode != HttpStatusCode.Redirect && response.StatusCode != HttpStatusCode.Found)
    {
        throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode}.");
    }

    return client;
}

static double Percentile(List<double> values, double percent)
{
    var sorted = values.Order().ToArray();
    var rank = (int)Math.Ceiling(percent / 100 * sorted.Length) - 1;
    return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
}

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>The real dashboard over a temp data root, with a known admin password.</summary>
internal sealed class BenchServer(string dataRoot, string password) : WebApplicationFactory<App>
{
    public async Task ReportUnfinishedRunsAsync()
    {
        var coordinator = Services.GetRequiredService<RunQueries>();
        foreach (var run in await coordinator.ListAsync())
        {
            if (!run.IsFinished)
            {
                Console.Error.WriteLine($"run {run.Id} is still {run.State}: left to the reaper of the next start");
            }
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("OneOff:DataRoot", dataRoot);
        builder.UseSetting("OneOff:Admin:Password", password);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}
