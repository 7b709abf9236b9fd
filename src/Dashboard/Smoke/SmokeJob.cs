using OneOff.Core.Compute;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Smoke;

/// <summary>A phase the run's execution reported, and when (since the job's start was asked for).</summary>
/// <param name="Phase">The phase text (<c>provisioning</c>, <c>installing the job</c>, <c>generating data</c>, …).</param>
/// <param name="At">When the smoke run saw it: polls are <c>OneOff:Aws:Emr:PollSeconds</c> apart, so within one poll.</param>
internal sealed record SmokePhase(string Phase, TimeSpan At);

/// <summary>
/// One run of the smoke run through the app's <see cref="IJobRunner"/>, exactly as the dashboard's follower uses
/// it: <see cref="IJobRunner.StartAsync"/>, the execution's events to the end, its <see cref="IJobExecution.Completion"/>.
/// Every phase change is one progress line and is kept with its time, for the timings item.
/// </summary>
internal sealed class SmokeJob
{
    private readonly SmokeContext _context;
    private readonly List<SmokePhase> _phases = [];
    private long _startedAt;

    private SmokeJob(SmokeContext context, string label, RunParameters parameters)
    {
        _context = context;
        Label = label;
        Parameters = parameters;
    }

    /// <summary>What the run is for (<c>job</c>, <c>failure</c>, <c>cancel</c>, <c>lease</c>).</summary>
    public string Label { get; }

    public RunParameters Parameters { get; }

    public string RunId => Parameters.RunId;

    /// <summary>The request, with the run id as its submission key (as the dashboard's first submission of a run).</summary>
    public JobRequest Request => new(Parameters) { User = "smoke" };

    /// <summary>The started execution, or null when the start failed (<see cref="StartError"/>).</summary>
    public IJobExecution? Execution { get; private set; }

    /// <summary>Why the start failed (the runner's one line), or null.</summary>
    public string? StartError { get; private set; }

    /// <summary>How long StartAsync took (the bundle's upload once per content, then RunJobFlow).</summary>
    public TimeSpan StartTook { get; private set; }

    /// <summary>The phases in the order seen.</summary>
    public IReadOnlyList<SmokePhase> Phases => _phases;

    /// <summary>How the job ended; null until it has (or when it never started).</summary>
    public JobExit? Exit { get; private set; }

    /// <summary>Whether the execution reported the manifest (<see cref="JobPublished"/>).</summary>
    public bool Published { get; private set; }

    /// <summary>The sizes reported done.</summary>
    public int ModelsDone { get; private set; }

    /// <summary>Since the start was asked for, until the end was seen.</summary>
    public TimeSpan Total { get; private set; }

    /// <summary>Whether the smoke run cancelled it (its own cancel, an interruption or the time limit).</summary>
    public bool CancelledBySmoke { get; private set; }

    /// <summary>Starts the run; a refused start is kept in <see cref="StartError"/>, not thrown.</summary>
    public static async Task<SmokeJob> StartAsync(SmokeContext context, string label, RunParameters parameters, CancellationToken cancellationToken)
    {
        var job = new SmokeJob(context, label, parameters);
        job._startedAt = context.Time.GetTimestamp();
        context.Progress($"{label}: starting run {parameters.RunId} through the app's job runner");
        try
        {
            job.Execution = await context.Runner.StartAsync(job.Request, cancellationToken).ConfigureAwait(false);
            job.StartTook = context.Time.GetElapsedTime(job._startedAt);
            context.Progress($"{label}: started {job.Execution.Handle} in {SmokeTime.Format(job.StartTook)}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Interrupted while starting: RunJobFlow may have been sent. The runner finds such a cluster by its
            // submission tag (as after a restart), and it is terminated: the smoke run leaves none behind.
            job.StartError = "interrupted while it started";
            await job.StopStrayStartAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            job.StartError = e.Message;
            context.Progress($"{label}: the start failed: {e.Message}");
        }

        return job;
    }

    /// <summary>
    /// Reads the events to the end. When <paramref name="cancellationToken"/> fires (Ctrl+C, the time limit), the
    /// job is cancelled, i.e. its cluster terminated and followed to its end, so the smoke run leaves none behind.
    /// </summary>
    public async Task FollowAsync(CancellationToken cancellationToken, Func<SmokeJob, JobEvent, Task>? onEvent = null)
    {
        if (Execution is null)
        {
            return;
        }

        try
        {
            await foreach (var e in Execution.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
            {
                Record(e);
                if (onEvent is not null)
                {
                    await onEvent(this, e).ConfigureAwait(false);
                }
            }

            Exit = await Execution.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _context.Progress($"{Label}: interrupted; terminating {Execution.Handle}");
            await CancelAsync().ConfigureAwait(false);
        }

        Total = _context.Time.GetElapsedTime(_startedAt);
        _context.Progress($"{Label}: ended after {SmokeTime.Format(Total)}: {(Published ? "published" : Exit?.Reason ?? "not published")}");
    }

    /// <summary>Terminates the run's cluster and waits for its end (at most 15 minutes: EMR's termination takes a few).</summary>
    public async Task CancelAsync()
    {
        if (Execution is null)
        {
            return;
        }

        CancelledBySmoke = true;
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        try
        {
            await Execution.CancelAsync(limit.Token).ConfigureAwait(false);
            Exit = await Execution.Completion.ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            Exit = new JobExit(null, $"the smoke run could not terminate {Execution.Handle}: {e.Message}; terminate it in the EMR console");
        }
    }

    private async Task StopStrayStartAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            if (await _context.Runner.FindStartedAsync(Request, limit.Token).ConfigureAwait(false) is { } stray)
            {
                Execution = stray;
                _context.Progress($"{Label}: interrupted while starting; terminating {stray.Handle}");
                await CancelAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is JobStartException or OperationCanceledException or InvalidOperationException)
        {
            _context.Progress($"{Label}: interrupted while starting, and whether a cluster started is unknown ({e.Message}); look for one tagged oneoff:run-id={RunId}");
        }
    }

    /// <summary>When <paramref name="phase"/> (or the first phase starting with it) was first seen; null if never.</summary>
    public TimeSpan? FirstSeen(string phase) =>
        _phases.FirstOrDefault(p => p.Phase.StartsWith(phase, StringComparison.Ordinal))?.At;

    private void Record(JobEvent e)
    {
        switch (e)
        {
            case JobPhase phase:
                _phases.Add(new SmokePhase(phase.Phase, _context.Time.GetElapsedTime(_startedAt)));
                _context.Progress($"{Label}: {phase.Phase}");
                break;
            case JobModelDone:
                ModelsDone++;
                break;
            case JobPublished:
                Published = true;
                break;
        }
    }
}
