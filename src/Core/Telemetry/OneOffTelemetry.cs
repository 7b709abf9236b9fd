using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace OneOff.Core.Telemetry;

/// <summary>
/// OneOff's own traces and metrics: one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named
/// <see cref="Name"/>, shared by every project (the dashboard's runs, the EMR runner and reaper, the Athena engine).
/// Nothing is recorded unless a listener (an OpenTelemetry provider) subscribes to that name: with none, starting an
/// activity returns null and adding to an instrument does nothing. Metrics never carry a run id (one time series
/// per run would be unbounded); spans do (<see cref="RunIdAttribute"/>).
/// </summary>
public static class OneOffTelemetry
{
    /// <summary>The name of the activity source and of the meter: <c>OneOff</c>.</summary>
    public const string Name = "OneOff";

    /// <summary>The run a span belongs to (a run id, <c>[a-z0-9-]</c>).</summary>
    public const string RunIdAttribute = "oneoff.run_id";

    /// <summary>Which runner ran the job: the runner part of its handle (<c>local</c>, <c>emr</c>), <c>none</c> when no job was started.</summary>
    public const string RunnerAttribute = "oneoff.runner";

    /// <summary>How a run ended: <c>Succeeded</c>, <c>Failed</c> or <c>Cancelled</c> (on the run's spans).</summary>
    public const string RunStateAttribute = "oneoff.run.state";

    /// <summary>Why the EMR reaper terminated a cluster: <c>LeaseExpired</c>, <c>RunFinished</c>, <c>RunUnknown</c>.</summary>
    public const string ReaperReasonAttribute = "oneoff.reaper.reason";

    /// <summary>The EC2 instance type of billed EMR instance time (<c>m7g.xlarge</c>), or <c>unknown</c>.</summary>
    public const string InstanceTypeAttribute = "oneoff.emr.instance_type";

    /// <summary>Whether Athena answered from a previous query's result (<c>ReusedPreviousResult</c>).</summary>
    public const string AthenaReusedAttribute = "oneoff.athena.reused";

    /// <summary>The runner tag value of a run whose job never started.</summary>
    public const string NoRunner = "none";

    private static readonly string? s_version = typeof(OneOffTelemetry).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    // Before the instruments below: static initialisers run in the order they are written.
    private static readonly Meter s_meter = new(Name, s_version);

    // The run the current asynchronous flow works for, as Activity.Current is the span: set by whoever works for a
    // run (its follower), read where the work leaves the process (each AWS call). Flows into every task started
    // inside, and is undone when the method that set it returns.
    private static readonly AsyncLocal<string?> s_runId = new();

    private static readonly Counter<long> s_runsStarted = s_meter.CreateCounter<long>(
        "oneoff.runs.started", "{run}", "Runs whose job was started (a local process or an EMR cluster), by runner.");

    private static readonly Counter<long> s_runsSucceeded = s_meter.CreateCounter<long>(
        "oneoff.runs.succeeded", "{run}", "Runs that ended published, by runner.");

    private static readonly Counter<long> s_runsFailed = s_meter.CreateCounter<long>(
        "oneoff.runs.failed", "{run}", "Runs that ended failed (a start refused, the job failed or was lost), by runner.");

    private static readonly Counter<long> s_runsCancelled = s_meter.CreateCounter<long>(
        "oneoff.runs.cancelled", "{run}", "Started runs that ended cancelled, by runner.");

    private static readonly Counter<double> s_clusterMinutes = s_meter.CreateCounter<double>(
        "oneoff.emr.instance.usage", "min",
        "Billed EMR instance time (per second, at least a minute per instance), from ListInstances timelines, by instance type.");

    private static readonly Counter<long> s_athenaScanned = s_meter.CreateCounter<long>(
        "oneoff.athena.data_scanned", "By", "Bytes Athena scanned for OneOff's queries (DataScannedInBytes), by whether a previous result was reused.");

    private static readonly Counter<long> s_reaperTerminations = s_meter.CreateCounter<long>(
        "oneoff.emr.reaper.terminations", "{cluster}", "Clusters the EMR reaper terminated, by reason.");

    /// <summary>OneOff's activity source (<see cref="Name"/>).</summary>
    public static ActivitySource Source { get; } = new(Name, s_version);

    /// <summary>OneOff's meter (<see cref="Name"/>).</summary>
    public static Meter Meter => s_meter;

    /// <summary>The run the current flow works for (set by <see cref="EnterRun"/>), or null.</summary>
    public static string? CurrentRunId => s_runId.Value;

    /// <summary>
    /// Makes <paramref name="runId"/> the current run of this flow and of every task it starts (AWS calls read it for
    /// their spans) until the scope is disposed or the calling method returns.
    /// </summary>
    public static RunScope EnterRun(string? runId)
    {
        var previous = s_runId.Value;
        s_runId.Value = runId;
        return new RunScope(previous);
    }

    /// <summary>
    /// Starts a span of <paramref name="name"/> tagged with <paramref name="runId"/> (or the current run), under the
    /// current span; null when nobody listens.
    /// </summary>
    public static Activity? StartActivity(string name, string? runId = null, ActivityKind kind = ActivityKind.Internal)
    {
        var activity = Source.StartActivity(name, kind);
        if (activity is not null && (runId ?? CurrentRunId) is { } id)
        {
            activity.SetTag(RunIdAttribute, id);
        }

        return activity;
    }

    /// <summary>Counts a run whose job was started by <paramref name="runner"/> (<c>local</c>, <c>emr</c>).</summary>
    public static void RecordRunStarted(string runner) => s_runsStarted.Add(1, Runner(runner));

    /// <summary>Counts a run that ended published.</summary>
    public static void RecordRunSucceeded(string? runner) => s_runsSucceeded.Add(1, Runner(runner));

    /// <summary>Counts a run that ended failed (<paramref name="runner"/> null when its job never started).</summary>
    public static void RecordRunFailed(string? runner) => s_runsFailed.Add(1, Runner(runner));

    /// <summary>Counts a started run that ended cancelled.</summary>
    public static void RecordRunCancelled(string? runner) => s_runsCancelled.Add(1, Runner(runner));

    /// <summary>
    /// Adds billed EMR instance time (what the cost figure is made of: <c>ListInstances</c> timelines, per second, at
    /// least a minute per instance), in minutes, tagged with <paramref name="instanceType"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="billedInstanceTime"/> is negative.</exception>
    public static void RecordClusterMinutes(TimeSpan billedInstanceTime, string? instanceType = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(billedInstanceTime, TimeSpan.Zero);
        s_clusterMinutes.Add(billedInstanceTime.TotalMinutes, new KeyValuePair<string, object?>(InstanceTypeAttribute, instanceType ?? "unknown"));
    }

    /// <summary>Adds what one Athena query scanned (<c>Statistics.DataScannedInBytes</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is negative.</exception>
    public static void RecordAthenaBytesScanned(long bytes, bool reusedPreviousResult = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        s_athenaScanned.Add(bytes, new KeyValuePair<string, object?>(AthenaReusedAttribute, reusedPreviousResult));
    }

    /// <summary>Counts one cluster the EMR reaper terminated, and why (<paramref name="reason"/>).</summary>
    public static void RecordReaperTermination(string reason) =>
        s_reaperTerminations.Add(1, new KeyValuePair<string, object?>(ReaperReasonAttribute, reason));

    private static KeyValuePair<string, object?> Runner(string? runner) =>
        new(RunnerAttribute, string.IsNullOrEmpty(runner) ? NoRunner : runner);

    /// <summary>Undoes <see cref="EnterRun"/> when disposed.</summary>
    public readonly struct RunScope : IDisposable
    {
        private readonly string? _previous;

        internal RunScope(string? previous) => _previous = previous;

        /// <summary>Makes the run before <see cref="EnterRun"/> current again.</summary>
        public void Dispose() => s_runId.Value = _previous;
    }
}
