using System.Threading.Channels;
using Microsoft.Extensions.Options;
using OneOff.Core.Compute;
using OneOff.Core.Telemetry;
using OneOff.Core.Storage;
using OneOff.Dashboard.Configuration;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Runs;

/// <summary>
/// Which runs run: at start it reconciles every unfinished run from its runner handle (published → Succeeded; job
/// alive → re-attached; else Cancelled or Failed "interrupted"), then starts queued runs oldest first, at most
/// <c>OneOff:Runs:MaxConcurrent</c> at once, one <see cref="RunFollower"/> each. On stop the jobs keep running:
/// their records keep their handles and the next start re-attaches.
/// </summary>
public sealed partial class RunScheduler(
    RunStore runs,
    RunEndings endings,
    RunAdoption adoption,
    RunFeed feed,
    IJobRunner runner,
    IObjectStore store,
    IOptions<RunsOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    internal const string Interrupted = "interrupted: the dashboard stopped and the job was no longer running when it started again";

    private readonly ILogger<RunScheduler> _logger = loggers.CreateLogger<RunScheduler>();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RunFollower> _active = new(StringComparer.Ordinal);
    private readonly List<Task> _followerTasks = [];
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private CancellationToken _stopping = CancellationToken.None;

    /// <summary>The follower of an active run, or null when the run is not active.</summary>
    public RunFollower? Find(string runId)
    {
        lock (_gate)
        {
            return _active.GetValueOrDefault(runId);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Task[] tasks;
        lock (_gate)
        {
            tasks = [.. _followerTasks];
        }

        await Task.WhenAll(tasks).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        feed.Changed += OnChanged;
        try
        {
            await ReconcileAsync(stoppingToken).ConfigureAwait(false);
            await AdoptAsync(stoppingToken).ConfigureAwait(false);
            Wake();
            while (await _wake.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                await DispatchAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            feed.Changed -= OnChanged;
        }
    }

    // A new submission (or a run that ended elsewhere) may free or fill a slot.
    private void OnChanged(RunChange change)
    {
        if (change.Run is null or { State: RunState.Queued } or { IsFinished: true })
        {
            Wake();
        }
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task AdoptAsync(CancellationToken cancellationToken)
    {
        try
        {
            await adoption.AdoptAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // The store cannot be listed now: runs published outside the dashboard are adopted at the next start.
            LogAdoptionFailed(e);
        }
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var unfinished = await runs.ListInAsync([RunState.Starting, RunState.Running, RunState.Cancelling], int.MaxValue, cancellationToken).ConfigureAwait(false);
        foreach (var run in unfinished)
        {
            // What the runner does for this run (finding and re-attaching its job) carries its run id.
            using var scope = OneOffTelemetry.EnterRun(run.Id);
            if (await endings.ReadManifestAsync(run.Id, cancellationToken).ConfigureAwait(false) is { } manifest)
            {
                LogReconciled(run.Id, "published while the dashboard was away: Succeeded");
                await endings.SucceedAsync(run.Id, manifest, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var handle = JobHandle.TryParse(await runs.FindHandleAsync(run.Id, cancellationToken).ConfigureAwait(false));
            IJobExecution? execution;
            try
            {
                execution = handle is not null
                    ? await runner.AttachAsync(run.Id, handle, cancellationToken).ConfigureAwait(false)
                    : run.State == RunState.Starting
                        // Stopped between the start and saving the handle: the runner looks for the job by its submission.
                        ? await runner.FindStartedAsync(new JobRequest(run.Parameters) { User = run.CreatedBy }, cancellationToken).ConfigureAwait(false)
                        : null;
            }
            catch (JobStartException e)
            {
                // Not knowing whether the job exists: the run fails saying so; the EMR reaper ends a cluster it finds for a finished run.
                LogReconciled(run.Id, "could not be looked for: Failed");
                await endings.InterruptAsync(run.Id, $"interrupted: the dashboard stopped while the job was starting, and looking for it failed: {e.Message}", cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (execution is not null)
            {
                LogReconciled(run.Id, handle is null ? "started before the dashboard stopped: found by its submission and re-attached" : "still running: re-attached");
                if (handle is null)
                {
                    await runs.UpdateAsync(run.Id, r => r.AttachHandle(execution.Handle.ToString()), CancellationToken.None).ConfigureAwait(false);
                }

                Launch(run, execution);
            }
            else if (run.State == RunState.Cancelling)
            {
                LogReconciled(run.Id, "was cancelling: Cancelled");
                await endings.CancelAsync(run.Id, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                LogReconciled(run.Id, "no longer running: Failed (interrupted)");
                await endings.InterruptAsync(run.Id, Interrupted, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DispatchAsync(CancellationToken cancellationToken)
    {
        int free;
        HashSet<string> busy;
        lock (_gate)
        {
            free = options.Value.MaxConcurrent - _active.Count;
            busy = [.. _active.Keys];
        }

        if (free <= 0)
        {
            return;
        }

        var queued = await runs.ListInAsync([RunState.Queued], free + busy.Count, cancellationToken).ConfigureAwait(false);
        foreach (var run in queued.Where(r => !busy.Contains(r.Id)).Take(free))
        {
            Launch(run, null);
        }
    }

    private void Launch(RunSnapshot run, IJobExecution? attached)
    {
        var follower = new RunFollower(run, attached, runs, endings, feed, runner, store, time, loggers.CreateLogger<RunFollower>());
        lock (_gate)
        {
            _active[run.Id] = follower;
            var task = Task.Run(() => follower.RunAsync(_stopping), CancellationToken.None);
            _followerTasks.Add(task);
            _ = task.ContinueWith(t =>
            {
                lock (_gate)
                {
                    _active.Remove(run.Id);
                    _followerTasks.Remove(t);
                }

                Wake();
            }, TaskScheduler.Default);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runs published outside the dashboard could not be looked for")]
    private partial void LogAdoptionFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} reconciled: {Outcome}")]
    private partial void LogReconciled(string runId, string outcome);
}
