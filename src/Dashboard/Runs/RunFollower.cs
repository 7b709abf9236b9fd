using System.Collections.Immutable;
using System.Diagnostics;
using OneOff.Core.Compute;
using OneOff.Core.Storage;
using OneOff.Core.Telemetry;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Runs;

/// <summary>
/// Follows one active run: starts its job (or takes a re-attached one), turns the job's events into transitions of
/// its record, keeps its live progress on the <see cref="RunFeed"/> and saves it at most every
/// <see cref="PersistEvery"/> of the <see cref="TimeProvider"/>, and ends the run as the manifest decides. The
/// runner words failures (<see cref="JobExit.Reason"/>); the follower does not read exit codes. Its work is one
/// <c>run</c> span (a trace of its own), a log scope and <see cref="OneOffTelemetry.EnterRun"/>, all naming the run:
/// whatever it calls (the runner, the store, AWS) carries the run id.
/// </summary>
public sealed partial class RunFollower
{
    /// <summary>How often, at most, an iteration's progress is saved (a size done is saved at once).</summary>
    public static readonly TimeSpan PersistEvery = TimeSpan.FromSeconds(2);

    internal const string EndedWithoutPublishing = "interrupted: the job ended without publishing";

    // Every line logged while following, whichever category, carries the run id (where the provider keeps scopes).
    private static readonly Func<ILogger, string, IDisposable?> s_runScope = LoggerMessage.DefineScope<string>("Run {RunId}");

    private readonly RunSnapshot _run;
    private readonly IJobExecution? _attached;
    private readonly RunStore _runs;
    private readonly RunEndings _endings;
    private readonly RunFeed _feed;
    private readonly IJobRunner _runner;
    private readonly IObjectStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<RunFollower> _logger;
    private readonly Lock _gate = new();
    private readonly SizeProgress[] _sizes;
    private IJobExecution? _execution;
    private bool _cancelRequested;
    private DateTimeOffset _lastPersisted;
    private Activity? _activity;

    internal RunFollower(RunSnapshot run, IJobExecution? attached, RunStore runs, RunEndings endings, RunFeed feed, IJobRunner runner,
        IObjectStore store, TimeProvider time, ILogger<RunFollower> logger)
    {
        (_run, _attached, _runs, _endings, _feed, _runner, _store, _time, _logger) = (run, attached, runs, endings, feed, runner, store, time, logger);
        _sizes = [.. run.Sizes];
        _cancelRequested = run.State == RunState.Cancelling;
        _lastPersisted = time.GetUtcNow();
    }

    public string RunId => _run.Id;

    /// <summary>Stops the job (at once if it has started, else as soon as it has); the run then ends Cancelled unless it published.</summary>
    public async Task CancelAsync(CancellationToken cancellationToken)
    {
        IJobExecution? execution;
        lock (_gate)
        {
            _cancelRequested = true;
            execution = _execution;
        }

        if (execution is not null)
        {
            await execution.CancelAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Follows the run until it ends; when <paramref name="stopping"/> fires the job is left running (a restart re-attaches).</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        // A root span, whatever woke the scheduler; undone when this method returns (Activity.Current is async-local).
        Activity.Current = null;
        using var activity = _activity = OneOffTelemetry.StartActivity("run", RunId);
        activity?.SetTag("oneoff.run.attached", _attached is not null);
        if (_attached is not null)
        {
            activity?.SetTag(OneOffTelemetry.RunnerAttribute, _attached.Handle.Runner);
        }

        using var run = OneOffTelemetry.EnterRun(RunId);
        using var logScope = s_runScope(_logger, RunId);
        var detached = false;
        _feed.Track(_run);
        try
        {
            var execution = _attached ?? await StartAsync(stopping).ConfigureAwait(false);
            if (execution is null)
            {
                return;
            }

            await using (execution.ConfigureAwait(false))
            {
                detached = !await FollowAsync(execution, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            detached = true;
        }
        catch (Exception e)
        {
            LogFollowFailed(e, RunId);
            activity?.AddException(e);
            await _endings.FailAsync(RunId, $"the dashboard lost track of the job: {e.Message}", CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _feed.EndProgress(RunId);
            if (!detached && await _runs.FindAsync(RunId, CancellationToken.None).ConfigureAwait(false) is { } last)
            {
                _feed.Publish(last);
                activity?.SetTag(OneOffTelemetry.RunStateAttribute, last.State.ToString());
                if (last.State == RunState.Failed)
                {
                    activity?.SetStatus(ActivityStatusCode.Error, last.Error);
                }
            }

            // The dashboard stopped following (shutdown): the job goes on, and the next start re-attaches.
            activity?.SetTag("oneoff.run.detached", detached);
        }
    }

    private async Task<IJobExecution?> StartAsync(CancellationToken cancellationToken)
    {
        var started = await _runs.UpdateAsync(RunId, r => r.MarkStarting(_time.GetUtcNow().UtcDateTime), cancellationToken).ConfigureAwait(false);
        if (started is null)
        {
            // Cancelled (or deleted) before it started.
            return null;
        }

        _activity?.AddEvent(new ActivityEvent("run.starting"));
        if (started.Damaged is { } damaged)
        {
            await _endings.FailAsync(RunId, damaged, cancellationToken).ConfigureAwait(false);
            return null;
        }

        IJobExecution execution;
        try
        {
            // The run id is the submission key (the record exists before the start); the user tags an EMR cluster.
            execution = await _runner.StartAsync(new JobRequest(started.Parameters) { User = started.CreatedBy }, cancellationToken).ConfigureAwait(false);
        }
        catch (JobStartException e)
        {
            await _endings.FailAsync(RunId, e.Message, cancellationToken).ConfigureAwait(false);
            return null;
        }

        // The handle is saved before anything else so that a crash from here on can be reconciled.
        await _runs.UpdateAsync(RunId, r => r.AttachHandle(execution.Handle.ToString()), CancellationToken.None).ConfigureAwait(false);
        OneOffTelemetry.RecordRunStarted(execution.Handle.Runner);
        LogJobStarted(RunId, execution.Handle.ToString());
        _activity?.SetTag(OneOffTelemetry.RunnerAttribute, execution.Handle.Runner)
            .AddEvent(new ActivityEvent("run.job_started", tags: new ActivityTagsCollection { ["oneoff.job.handle"] = execution.Handle.ToString() }));
        return execution;
    }

    /// <summary>Reads the job's events to its end and ends the run; false when <paramref name="stopping"/> fired first.</summary>
    private async Task<bool> FollowAsync(IJobExecution execution, CancellationToken stopping)
    {
        lock (_gate)
        {
            _execution = execution;
        }

        // A cancel saved before the execution was known is read back here; one saved after finds it (CancelAsync).
        var record = await _runs.FindAsync(RunId, stopping).ConfigureAwait(false);
        bool cancelNow;
        lock (_gate)
        {
            cancelNow = _cancelRequested || record?.State == RunState.Cancelling;
        }

        if (cancelNow)
        {
            await execution.CancelAsync(stopping).ConfigureAwait(false);
        }

        string? failure = null;
        JobExit exit;
        try
        {
            await foreach (var e in execution.ReadEventsAsync(stopping).ConfigureAwait(false))
            {
                failure = await OnEventAsync(e, stopping).ConfigureAwait(false) ?? failure;
            }

            exit = await execution.Completion.WaitAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await PersistProgressAsync(CancellationToken.None).ConfigureAwait(false);
            return false;
        }

        await EndAsync(failure, exit, stopping).ConfigureAwait(false);
        return true;
    }

    private async Task<string?> OnEventAsync(JobEvent e, CancellationToken cancellationToken)
    {
        switch (e)
        {
            case JobStarted:
                if (await _runs.UpdateAsync(RunId, r => r.MarkRunning(), cancellationToken).ConfigureAwait(false) is not null)
                {
                    _activity?.AddEvent(new ActivityEvent("run.running"));
                }

                return null;
            case JobIteration it:
                var sizes = SetSize(it.NHidden, s => s with { Iteration = it.Iteration, Loss = it.Loss });
                if (_time.GetUtcNow() - _lastPersisted >= PersistEvery)
                {
                    await PersistProgressAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    _feed.PublishProgress(RunId, sizes);
                }

                return null;
            case JobModelDone done:
                // A re-attached job reports only that a size is done: its metrics come from its small metrics file.
                var metrics = done.Metrics ?? await new StoreProgress(_store).ReadMetricsAsync(RunId, done.NHidden, cancellationToken).ConfigureAwait(false);
                SetSize(done.NHidden, s => s with
                {
                    Done = true,
                    Metrics = metrics ?? s.Metrics,
                    Iteration = metrics?.Iterations ?? s.Iteration,
                    Loss = metrics?.FinalLoss ?? s.Loss,
                });
                await PersistProgressAsync(cancellationToken).ConfigureAwait(false);
                return null;
            case JobPhase phase:
                await _runs.UpdateAsync(RunId, r => r.RecordPhase(phase.Phase), cancellationToken).ConfigureAwait(false);
                _activity?.AddEvent(new ActivityEvent("run.phase", tags: new ActivityTagsCollection { ["oneoff.run.phase"] = phase.Phase }));
                return null;
            case JobFailed failed:
                return failed.Message;
            default:
                return null;
        }
    }

    private async Task EndAsync(string? failure, JobExit exit, CancellationToken cancellationToken)
    {
        await PersistProgressAsync(cancellationToken).ConfigureAwait(false);
        if (exit.Cost is { } cost)
        {
            await _runs.UpdateAsync(RunId, r => r.RecordCost(cost.Dollars), cancellationToken).ConfigureAwait(false);
        }

        bool cancelRequested;
        lock (_gate)
        {
            cancelRequested = _cancelRequested;
        }

        if (await _endings.ReadManifestAsync(RunId, cancellationToken).ConfigureAwait(false) is { } manifest)
        {
            await _endings.SucceedAsync(RunId, manifest, cancellationToken).ConfigureAwait(false);
        }
        else if (cancelRequested || (await _runs.FindAsync(RunId, cancellationToken).ConfigureAwait(false))?.State == RunState.Cancelling)
        {
            await _endings.CancelAsync(RunId, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _endings.FailAsync(RunId, failure ?? exit.Reason ?? EndedWithoutPublishing, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task PersistProgressAsync(CancellationToken cancellationToken)
    {
        ImmutableArray<SizeProgress> sizes;
        lock (_gate)
        {
            sizes = [.. _sizes];
            _lastPersisted = _time.GetUtcNow();
        }

        _feed.SetProgress(RunId, sizes);
        var stored = RunSnapshot.ToStored(sizes);
        var seen = _time.GetUtcNow().UtcDateTime;
        return _runs.UpdateAsync(RunId, r => r.RecordProgress(stored, seen), cancellationToken);
    }

    private ImmutableArray<SizeProgress> SetSize(int nHidden, Func<SizeProgress, SizeProgress> change)
    {
        lock (_gate)
        {
            var i = Array.FindIndex(_sizes, s => s.NHidden == nHidden);
            if (i >= 0)
            {
                _sizes[i] = change(_sizes[i]);
            }

            return [.. _sizes];
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Following run {RunId} failed")]
    private partial void LogFollowFailed(Exception e, string runId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} started its job {Handle}")]
    private partial void LogJobStarted(string runId, string handle);
}
