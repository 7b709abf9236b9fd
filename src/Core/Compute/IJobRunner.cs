using OneOff.Core.Runs;

namespace OneOff.Core.Compute;

/// <summary>
/// Runs the <c>oneoff-job</c> study for one run somewhere (this machine, or a throwaway EMR cluster) and reports
/// its progress. A run record keeps the <see cref="JobHandle"/> so that a restarted control plane can find the
/// job again with <see cref="AttachAsync"/>.
/// </summary>
public interface IJobRunner
{
    /// <summary>Starts the job for <paramref name="request"/>; returns once it has started (its handle is known).</summary>
    /// <exception cref="JobStartException">The job could not be started; the message says why.</exception>
    Task<IJobExecution> StartAsync(JobRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds the job of <paramref name="handle"/> again after a restart and follows it (progress from the object
    /// store); null when that job is no longer alive or the handle belongs to another runner.
    /// </summary>
    Task<IJobExecution?> AttachAsync(string runId, JobHandle handle, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds the job that a start of <paramref name="request"/> made when its handle was never saved (the control
    /// plane stopped between the start and saving the handle) and follows it; null when there is none, or when the
    /// runner's jobs cannot outlive a lost handle (a local child process).
    /// </summary>
    /// <exception cref="JobStartException">The runner could not tell whether such a job exists; the message says why.</exception>
    Task<IJobExecution?> FindStartedAsync(JobRequest request, CancellationToken cancellationToken = default);

    /// <summary>How long a run of <paramref name="parameters"/> should take where this runner runs it, and what it should cost (the form shows both before launch).</summary>
    JobEstimate Estimate(RunParameters parameters);
}

/// <summary>A runner's forecast of one run (ARCHITECTURE.md, "One work model").</summary>
/// <param name="Duration">From the start to the end of the job, fixed costs included (an EMR cluster's provisioning).</param>
/// <param name="Where">Where it runs, for the form: <c>on this machine</c>, <c>on EMR (1 × m7g.xlarge + 2 × m7g.xlarge)</c>.</param>
/// <param name="Cost">What it should cost; null where running costs nothing extra (this machine).</param>
public sealed record JobEstimate(TimeSpan Duration, string Where, JobCost? Cost = null);

/// <summary>Money a run costs (or should cost), in US dollars, from the configured list prices.</summary>
/// <param name="Dollars">Not negative.</param>
public sealed record JobCost(decimal Dollars)
{
    /// <summary>What every cost figure is labelled with.</summary>
    public const string Label = "estimated from list prices";

    /// <summary>For people: <c>$1.23 (estimated from list prices)</c>; below half a cent, <c>under $0.01 (…)</c>.</summary>
    public override string ToString() => Describe(Dollars);

    /// <summary><see cref="ToString"/> of an amount.</summary>
    public static string Describe(decimal dollars) => $"{Amount(dollars)} ({Label})";

    /// <summary>The amount alone, to the cent: <c>$1.23</c>; below half a cent, <c>under $0.01</c>.</summary>
    public static string Amount(decimal dollars) =>
        dollars is > 0 and < 0.005m
            ? "under $0.01"
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"${Math.Round(dollars, 2, MidpointRounding.AwayFromZero):0.00}");
}

/// <summary>One job to run: its parameters, validated once at submit, with the run id set.</summary>
/// <param name="Parameters">Every parameter of the run; a runner passes them on with <see cref="RunParameterParser.ToArguments"/>.</param>
public sealed record JobRequest(RunParameters Parameters)
{
    private readonly string? _submissionKey;

    /// <summary>The run id (<see cref="RunParameters.RunId"/>).</summary>
    public string RunId => Parameters.RunId;

    /// <summary>
    /// The idempotency key of this submission (kept in the run record before the start): a runner that cannot tell
    /// whether its start took effect finds the job by it instead of starting a second one. Default: the run id.
    /// </summary>
    public string SubmissionKey
    {
        get => string.IsNullOrWhiteSpace(_submissionKey) ? RunId : _submissionKey;
        init => _submissionKey = value;
    }

    /// <summary>Who started the run (a runner may tag its job with it); null when unknown.</summary>
    public string? User { get; init; }
}

/// <summary>
/// What identifies a started job across restarts: <see cref="Runner"/> says which runner made it
/// (<c>local</c>, <c>emr</c>), <see cref="Id"/> is that runner's own id (local: <c>{pid}@{start time ticks, UTC}</c>;
/// EMR: the cluster id).
/// </summary>
public sealed record JobHandle(string Runner, string Id)
{
    /// <summary>The handle as one string for a run record: <c>{runner}:{id}</c>.</summary>
    public override string ToString() => $"{Runner}:{Id}";

    /// <summary>Parses <see cref="ToString"/>'s form; null for null, empty or malformed text.</summary>
    public static JobHandle? TryParse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 || colon == text.Length - 1 ? null : new JobHandle(text[..colon], text[(colon + 1)..]);
    }
}

/// <summary>A job that is running (or has ended): its events, its end, and a way to stop it.</summary>
public interface IJobExecution : IAsyncDisposable
{
    /// <summary>The handle to keep in the run record.</summary>
    JobHandle Handle { get; }

    /// <summary>The job's events in order; the sequence ends when the job has ended.</summary>
    IAsyncEnumerable<JobEvent> ReadEventsAsync(CancellationToken cancellationToken = default);

    /// <summary>Completes when the job has ended (after the last event).</summary>
    Task<JobExit> Completion { get; }

    /// <summary>Stops the job (kills the process tree, or terminates the cluster) and waits until it has ended.</summary>
    Task CancelAsync(CancellationToken cancellationToken = default);
}

/// <summary>How a job ended. Whether the run published is decided by the manifest, not by the exit.</summary>
/// <param name="ExitCode">The process exit code, or null when unknown (a re-attached job, a cluster).</param>
/// <param name="Reason">
/// Why the job failed, worded by the runner for the run record (local: <c>the job exited with code 1: …</c>; EMR:
/// <c>step train failed: …</c>); null when the job ended normally.
/// </param>
/// <param name="Diagnostics">The last lines the job wrote about itself (stderr), or null.</param>
/// <param name="Cost">What the job's infrastructure cost (an EMR cluster's instances), or null when nothing is billed or it is unknown.</param>
public sealed record JobExit(int? ExitCode, string? Reason, string? Diagnostics = null, JobCost? Cost = null);

/// <summary>Thrown when a job cannot be started (the executable is missing, the process fails to start).</summary>
public sealed class JobStartException(string message, Exception? inner = null) : Exception(message, inner);
