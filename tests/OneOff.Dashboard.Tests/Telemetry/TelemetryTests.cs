using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OneOff.Core.Compute;
using OneOff.Core.Telemetry;
using OneOff.Dashboard.Configuration;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace OneOff.Dashboard.Tests.Telemetry;

/// <summary>
/// The OneOff meter and activity source are process-wide: these tests run alone, so that no other test's runs are
/// counted by their providers.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry";
}

/// <summary>The dashboard's traces and metrics, read back through the in-memory exporter and a loopback OTLP collector.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Runs_ThroughTheHostedApp_AreCountedByOutcomeAndTracedWithTheirRunId()
    {
        var spans = new LockedList<Activity>();
        var metrics = new LockedList<MetricSnapshot>();
        var logs = new ScopedLogs();
        var runner = new ScriptedJobRunner(new FakeTimeProvider())
            .Enqueue(new JobScript().Started(3).SizeDone(3).Publishes((id, _) => TestRuns.WriteAsync(_folder.Path, id, hidden: [3]), 3))
            .Enqueue(new JobScript().Started(3).Fails("the job ran out of memory").Exits(1, "the job exited with code 1"))
            .Enqueue(new JobScript().Started(3).Wait(TimeSpan.FromDays(1)));
        await using var app = new DashboardApp(_folder.Path, s =>
        {
            s.AddSingleton<IJobRunner>(runner);
            s.AddSingleton<ILoggerProvider>(logs);
            s.AddOneOffInstrumentation(new ConfigurationBuilder().Build())
                .WithTracing(t => t.AddInMemoryExporter(spans))
                .WithMetrics(m => m.AddInMemoryExporter(metrics));
        });
        using var client = app.Client();
        var admin = await app.PrincipalAsync("admin");

        var succeeded = await SubmitAsync(app, admin);
        await RunWaits.StateAsync(app.Runs, succeeded, RunState.Succeeded);
        var failed = await SubmitAsync(app, admin);
        await RunWaits.StateAsync(app.Runs, failed, RunState.Failed);
        var cancelled = await SubmitAsync(app, admin);
        await RunWaits.StateAsync(app.Runs, cancelled, RunState.Running);
        await app.Commands.CancelAsync(admin, cancelled, TestContext.Current.CancellationToken);
        await RunWaits.StateAsync(app.Runs, cancelled, RunState.Cancelled);
        using var login = await client.GetAsync(new Uri("/login", UriKind.Relative), TestContext.Current.CancellationToken);
        // An outgoing HTTP call made for a run (as S3's are) names the run: a real socket, so that HttpClient traces it.
        const string HttpRunId = "20260301-000000-http";
        using var loopback = new OtlpCollector();
        using (OneOffTelemetry.EnterRun(HttpRunId))
        using (var http = new HttpClient())
        using (var content = new ByteArrayContent([]))
        {
            (await http.PostAsync(new Uri(loopback.Endpoint, "v1/traces"), content, TestContext.Current.CancellationToken)).Dispose();
        }

        // The follower's span ends after the record says the run ended.
        await UntilAsync(() => new[] { succeeded, failed, cancelled }.All(id => spans.Snapshot().Any(a => IsRunSpan(a, id))));
        app.Services.GetRequiredService<MeterProvider>().ForceFlush();

        Assert.Equal(3, Count(metrics, "oneoff.runs.started", ScriptedJobRunner.RunnerName));
        Assert.Equal(1, Count(metrics, "oneoff.runs.succeeded", ScriptedJobRunner.RunnerName));
        Assert.Equal(1, Count(metrics, "oneoff.runs.failed", ScriptedJobRunner.RunnerName));
        Assert.Equal(1, Count(metrics, "oneoff.runs.cancelled", ScriptedJobRunner.RunnerName));
        var all = spans.Snapshot();
        var run = all.Single(a => IsRunSpan(a, succeeded));
        Assert.Equal(default, run.ParentSpanId);
        Assert.Equal("Succeeded", run.GetTagItem(OneOffTelemetry.RunStateAttribute));
        Assert.Equal(ScriptedJobRunner.RunnerName, run.GetTagItem(OneOffTelemetry.RunnerAttribute));
        Assert.Equal(["run.starting", "run.job_started", "run.running"], run.Events.Select(e => e.Name));
        // Each ending is a span under the run's own, naming the run and how it ended.
        var succeed = all.Single(a => a.OperationName == "run.succeed" && RunIdOf(a) == succeeded);
        Assert.Equal(run.SpanId, succeed.ParentSpanId);
        Assert.Equal(run.TraceId, succeed.TraceId);
        var fail = all.Single(a => a.OperationName == "run.fail" && RunIdOf(a) == failed);
        Assert.Equal(ActivityStatusCode.Error, fail.Status);
        Assert.Equal("the job ran out of memory", fail.StatusDescription);
        Assert.Equal(ActivityStatusCode.Error, all.Single(a => IsRunSpan(a, failed)).Status);
        Assert.Equal("Cancelled", all.Single(a => a.OperationName == "run.cancel" && RunIdOf(a) == cancelled).GetTagItem(OneOffTelemetry.RunStateAttribute));
        // Three runs, three traces.
        Assert.Equal(3, all.Where(a => a.OperationName == "run").Select(a => a.TraceId).Distinct().Count());
        // What the follower logs carries the run id as a scope, as every line logged while it follows does.
        var started = Assert.Single(logs.Entries, e => e.Message.Contains($"Run {failed} started its job", StringComparison.Ordinal));
        Assert.Equal(failed, started.Scope["RunId"]);
        var outgoing = all.Single(a => a.Kind == ActivityKind.Client && RunIdOf(a) == HttpRunId);
        Assert.Equal("POST", outgoing.GetTagItem("http.request.method"));
        var request = all.Single(a => a.Source.Name == "Microsoft.AspNetCore" && (string?)a.GetTagItem("url.path") == "/login");
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal(200, request.GetTagItem("http.response.status_code"));
    }

    [Fact]
    public async Task Providers_WithoutOtlpEndpoint_NoneIsRegistered()
    {
        await using var app = new DashboardApp(_folder.Path);
        using var client = app.Client();
        using var login = await client.GetAsync(new Uri("/login", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, login.StatusCode);
        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
        Assert.Null(app.Services.GetService<LoggerProvider>());
        Assert.DoesNotContain(app.Services.GetServices<ILoggerProvider>(), p => p.GetType().Namespace?.StartsWith("OpenTelemetry", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Export_WithOtlpEndpoint_SendsTracesMetricsAndLogsToTheCollector()
    {
        using var collector = new OtlpCollector();
        await using var app = new DashboardApp(_folder.Path, settings: new Dictionary<string, string?>
        {
            [TelemetryExtensions.EndpointKey] = collector.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        using var client = app.Client();
        using var login = await client.GetAsync(new Uri("/login", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.True(app.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
        Assert.True(app.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));
        Assert.True(app.Services.GetRequiredService<LoggerProvider>().ForceFlush(10_000));

        var paths = collector.Exports.Where(e => e.Bytes > 0).Select(e => e.Path).ToHashSet();
        Assert.Contains("/v1/traces", paths);
        Assert.Contains("/v1/metrics", paths);
        Assert.Contains("/v1/logs", paths);
        Assert.All(collector.Exports, e => Assert.Equal("application/x-protobuf", e.ContentType));
    }

    public void Dispose() => _folder.Dispose();

    private static async Task<string> SubmitAsync(DashboardApp app, System.Security.Claims.ClaimsPrincipal admin)
    {
        var result = await app.Commands.SubmitAsync(admin, RunForms.Small(), RunForms.Key(), TestContext.Current.CancellationToken);
        return result.Run?.Id ?? throw new InvalidOperationException(result.Refusal ?? string.Join("; ", result.Errors));
    }

    private static bool IsRunSpan(Activity activity, string runId) =>
        activity.Source.Name == OneOffTelemetry.Name && activity.OperationName == "run" && RunIdOf(activity) == runId;

    private static string? RunIdOf(Activity activity) => activity.GetTagItem(OneOffTelemetry.RunIdAttribute) as string;

    // The last export holds the cumulative sums.
    private static long Count(LockedList<MetricSnapshot> metrics, string name, string runner) =>
        metrics.Snapshot().LastOrDefault(m => m.Name == name) is { } metric
            ? metric.MetricPoints.Where(p => HasTag(p, OneOffTelemetry.RunnerAttribute, runner)).Sum(p => p.GetSumLong())
            : 0;

    private static bool HasTag(MetricPoint point, string key, string value)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key && Equals(tag.Value, value))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>A list the exporter may add to from any thread while the test reads it.</summary>
    private sealed class LockedList<T> : ICollection<T>
    {
        private readonly List<T> _items = [];
        private readonly Lock _gate = new();

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _items.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public List<T> Snapshot()
        {
            lock (_gate)
            {
                return [.. _items];
            }
        }

        public void Add(T item)
        {
            lock (_gate)
            {
                _items.Add(item);
            }
        }

        public void Clear()
        {
            lock (_gate)
            {
                _items.Clear();
            }
        }

        public bool Contains(T item)
        {
            lock (_gate)
            {
                return _items.Contains(item);
            }
        }

        public void CopyTo(T[] array, int arrayIndex)
        {
            lock (_gate)
            {
                _items.CopyTo(array, arrayIndex);
            }
        }

        public bool Remove(T item)
        {
            lock (_gate)
            {
                return _items.Remove(item);
            }
        }

        public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
