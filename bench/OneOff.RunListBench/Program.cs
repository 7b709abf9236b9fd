using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Core.Runs;
using OneOff.Dashboard.Components;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Runs;

// The run list's server time over --records run records in the dashboard's real SQLite database (a temp data root):
// for page 1, a filtered page and a page sorted by best N, the database query, the query with the view model, and
// the server-rendered page; each beside the peer that loads every record and filters, sorts and pages in memory.
var records = Option("--records", 1000);
var iterations = Option("--iterations", 40);
const string Password = "Bench-Pass-2026";
var culture = CultureInfo.InvariantCulture;

Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ONEOFF_DASHBOARD",
    Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Dashboard")));
var dataRoot = Directory.CreateTempSubdirectory("oneoff-runlist-bench-").FullName;
var server = new BenchServer(dataRoot, Password);
try
{
    using var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
    await SignInAsync(client, Password);
    var store = server.Services.GetRequiredService<RunStore>();
    var queries = server.Services.GetRequiredService<RunQueries>();
    var time = server.Services.GetRequiredService<TimeProvider>();
    var seeding = Stopwatch.StartNew();
    await SeedAsync(store, records, time.GetUtcNow().UtcDateTime);
    Console.Error.WriteLine($"{records} run records written in {seeding.Elapsed.TotalSeconds:0.0} s, data root {dataRoot}");

    var since = time.GetUtcNow().UtcDateTime.AddDays(-60).ToString("yyyy-MM-dd", culture);
    (string Name, string Url)[] cases =
    [
        ("page 1 (newest first)", "/"),
        ("filtered (succeeded, by user3, since 60 days ago, best N 30–200)", $"/?state=succeeded&by=user3&since={since}&best=30-200"),
        ("sorted by best N, page 7", "/?sort=best&page=7"),
        ("sorted by duration (running runs count to now)", "/?sort=duration&dir=desc"),
    ];

    Console.WriteLine(string.Create(culture, $"| {records} records, median (p95) of {iterations} | query (SQLite) | query + view model | page GET (server render) | peer: load all, then in memory |"));
    Console.WriteLine("|---|---:|---:|---:|---:|");
    foreach (var (name, url) in cases)
    {
        var request = RunListQuery.Parse(Arguments(url), time.GetUtcNow().UtcDateTime);
        if (request.Notices.Count > 0)
        {
            throw new InvalidOperationException($"The bench's own query string is refused: {string.Join(" ", request.Notices)}");
        }

        var query = await MeasureAsync(async () => await queries.PageAsync(request.Query, time.GetUtcNow().UtcDateTime));
        var model = await MeasureAsync(async () =>
        {
            var vm = server.Services.GetRequiredService<RunListViewModel>();
            await vm.ShowAsync(RunListQuery.Parse(Arguments(url), time.GetUtcNow().UtcDateTime));
            if (vm.Runs.Count == 0)
            {
                throw new InvalidOperationException($"{url} shows no run.");
            }
        });
        var page = await MeasureAsync(async () =>
        {
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
            var html = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK || !html.Contains("class=\"mono run-link\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} without the run list.");
            }
        });
        var peer = await MeasureAsync(async () =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            var all = await queries.ListAsync();
            var shown = all.Where(request.Query.Matches).Order(Comparer<RunSnapshot>.Create((a, b) => request.Query.Compare(a, b, now)))
                .Skip((request.Query.Page - 1) * RunListQuery.PageSize).Take(RunListQuery.PageSize).ToList();
            GC.KeepAlive(shown);
        });
        Console.WriteLine(string.Create(culture, $"| {name} | {Show(query)} | {Show(model)} | {Show(page)} | {Show(peer)} |"));
    }

    return 0;
}
finally
{
    await server.DisposeAsync();
    Directory.Delete(dataRoot, recursive: true);
}

async Task<List<double>> MeasureAsync(Func<Task> action)
{
    for (var i = 0; i < 3; i++)
    {
        await action();
    }

    var times = new List<double>(iterations);
    for (var i = 0; i < iterations; i++)
    {
        var clock = Stopwatch.StartNew();
        await action();
        times.Add(clock.Elapsed.TotalMilliseconds);
    }

    return times;
}

string Show(List<double> times) => string.Create(culture, $"{Percentile(times, 50):0.0} ms ({Percentile(times, 95):0.0})");

static RunListArguments Arguments(string url)
{
    var query = url.Contains('?', StringComparison.Ordinal) ? url[(url.IndexOf('?', StringComparison.Ordinal) + 1)..] : "";
    var values = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
        .ToDictionary(p => p[0], p => (string?)Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""), StringComparer.Ordinal);
    string? Get(string key) => values.TryGetValue(key, out var v) ? v : null;
    return new RunListArguments(Get("state"), Get("by"), Get("since"), Get("until"), Get("best"), Get("sort"), Get("dir"), Get("page"));
}

// Finished runs of eight users over the last 200 days (a few still running): sizes, seeds and jitters vary, so the
// parameter summaries are not all "defaults"; failed runs carry a two-line reason.
static async Task SeedAsync(RunStore store, int count, DateTime now)
{
    int[] bests = [5, 7, 10, 30, 50, 75, 100, 200, 400, 600];
    for (var i = 0; i < count; i++)
    {
        var created = now.AddMinutes(-288.0 * (count - i));
        var parameters = new RunParameters
        {
            HiddenSizes = i % 3 == 0 ? RunParameters.DefaultHiddenSizes : [5, 30, 100 + (i % 50)],
            TrainSize = i % 4 == 0 ? 15000 : 2000 + (i % 7 * 1000),
            DataSeed = i % 5 == 0 ? 13 : i,
            Jitter = i % 6 == 0 ? 0.4 : 0.2,
        };
        var sizes = parameters.HiddenSizes;
        var record = RunRecord.Queue($"bench-{i:00000}", null, $"user{i % 8}", created,
            StoredParameters.Of(RunParameterParser.ToRaw(parameters)),
            StoredProgress.Of(sizes.Select(n => new StoredSize(n, 0, null, false, null))));
        var started = created.AddSeconds(20);
        record.MarkStarting(started);
        record.MarkRunning();
        var ended = started.AddSeconds(5 + ((i * 7919) % 3600));
        var done = StoredProgress.Of(sizes.Select(n => new StoredSize(n, 100, 0.25, true, new StoredMetrics(0.9, 0.89, 0.93, 100, 0.25, 0.4))));
        _ = (i % 10) switch
        {
            1 or 6 => record.MarkFailed(ended, $"exited with code 1: training N = {sizes[^1]} failed\n   at OneOff.Jobs.Training.ModelFit.Run()"),
            3 => record.RequestCancel() && record.MarkCancelled(ended),
            9 when i > count - 30 => true,
            _ => record.MarkSucceeded(ended, bests[i % bests.Length], done),
        };
        if (await store.AddIfAbsentAsync(record, CancellationToken.None) is null)
        {
            throw new InvalidOperationException($"Run {record.Id} exists.");
        }
    }
}

static async Task SignInAsync(HttpClient client, string password)
{
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
    if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther))
    {
        throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode}.");
    }
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

/// <summary>The real dashboard over a temp data root, with a known admin password, in memory (TestServer).</summary>
internal sealed class BenchServer(string dataRoot, string password) : WebApplicationFactory<App>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("OneOff:DataRoot", dataRoot);
        builder.UseSetting("OneOff:Admin:Password", password);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}
