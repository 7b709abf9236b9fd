using System.Collections.Immutable;
using System.Security.Claims;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneOff.Core.Compute;
using OneOff.Core.Storage;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Configuration;
using OneOff.Dashboard.Data;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Runs;

/// <summary>
/// The life of every run: submissions (Operators only, one run per idempotency key), a queue of at most
/// <c>OneOff:Runs:MaxConcurrent</c> running jobs, the job's events turned into states and progress (saved in the
/// run record and pushed to every open page through <see cref="RunChanged"/>), Cancel and Delete, and at start the
/// reconciliation of every unfinished run from its runner handle.
/// </summary>
public sealed partial class RunCoordinator(
    IDbContextFactory<DashboardDbContext> dbFactory,
    IJobRunner runner,
    IObjectStore store,
    IEnumerable<IRunDeletedListener> deletedListeners,
    IOptions<RunsOptions> options,
    TimeProvider time,
    ILogger<RunCoordinator> logger) : BackgroundService
{
    private const string Interrupted = "interrupted: the dashboard stopped and the job was no longer running when it started again";
    private static readonly TimeSpan s_persistEvery = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ActiveRun> _active = new(StringComparer.Ordinal);
    private readonly List<Task> _runTasks = [];
    private readonly SemaphoreSlim _submitGate = new(1, 1);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly IRunDeletedListener[] _deletedListeners = [.. deletedListeners];
    private CancellationToken _stopping = CancellationToken.None;

    /// <summary>Raised after any change of a run (state, progress, deletion); handlers must be quick and not throw.</summary>
    public event Action<RunChange>? RunChanged;

    /// <summary>Every run, newest first, with live progress for the active ones.</summary>
    public async Task<IReadOnlyList<RunSnapshot>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var records = await db.Runs.AsNoTracking().OrderByDescending(r => r.CreatedUtc).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. records.Select(r => Live(r.Id) ?? RunSnapshot.From(r))];
    }

    /// <summary>One run, or null when there is none with that id.</summary>
    public async Task<RunSnapshot?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        if (!RunKeys.IsValidRunId(runId))
        {
            return null;
        }

        if (Live(runId) is { } live)
        {
            return live;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var record = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken).ConfigureAwait(false);
        return record is null ? null : RunSnapshot.From(record);
    }

    /// <summary>
    /// Queues a run with the form's raw values (keyed by manifest key; blank takes the default). The same
    /// <paramref name="idempotencyKey"/> returns the run it already created.
    /// </summary>
    public async Task<SubmitResult> SubmitAsync(ClaimsPrincipal user, IReadOnlyDictionary<string, string?> raw, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        if (!DashboardRoles.CanOperate(user))
        {
            LogRefused(user.Identity?.Name, "start a run");
            return new SubmitResult(null, [], "Only Operators can start runs.");
        }

        var outcome = RunParameterParser.Parse(raw);
        if (!outcome.IsValid || outcome.Parameters is null)
        {
            return new SubmitResult(null, outcome.Errors, null);
        }

        RunSnapshot snapshot;
        await _submitGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var existing = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.IdempotencyKey == idempotencyKey, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                return new SubmitResult(Live(existing.Id) ?? RunSnapshot.From(existing), [], null);
            }

            string id;
            do
            {
                id = RunKeys.NewRunId(time);
            }
            while (await db.Runs.AnyAsync(r => r.Id == id, cancellationToken).ConfigureAwait(false));

            var parameters = outcome.Parameters with { RunId = id };
            var record = new RunRecord
            {
                Id = id,
                IdempotencyKey = idempotencyKey,
                CreatedBy = user.Identity?.Name ?? "?",
                CreatedUtc = time.GetUtcNow().UtcDateTime,
                State = RunState.Queued,
                ParametersJson = RunSnapshot.ParametersToJson(parameters),
                ProgressJson = RunSnapshot.ProgressToJson(RunSnapshot.InitialSizes(parameters)),
            };
            db.Runs.Add(record);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            snapshot = RunSnapshot.From(record);
        }
        finally
        {
            _submitGate.Release();
        }

        LogQueued(snapshot.Id, snapshot.CreatedBy);
        Publish(snapshot);
        _wake.Writer.TryWrite(true);
        return new SubmitResult(snapshot, [], null);
    }

    /// <summary>Cancels a run that has not published: a queued one at once, a running one by killing its job.</summary>
    public async Task<CommandResult> CancelAsync(ClaimsPrincipal user, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!DashboardRoles.CanOperate(user))
        {
            LogRefused(user.Identity?.Name, "cancel a run");
            return new CommandResult("Only Operators can cancel runs.");
        }

        ActiveRun? active;
        lock (_gate)
        {
            _active.TryGetValue(runId, out active);
            if (active is not null)
            {
                if (active.CancelRequested)
                {
                    return CommandResult.Done;
                }

                active.CancelRequested = true;
            }
        }

        if (active is null)
        {
            return await CancelInactiveAsync(runId, cancellationToken).ConfigureAwait(false);
        }

        LogCancelling(runId, user.Identity?.Name);
        await UpdateAsync(runId, r => r.State = RunState.Cancelling, cancellationToken).ConfigureAwait(false);
        if (active.Execution is { } execution)
        {
            await execution.CancelAsync(cancellationToken).ConfigureAwait(false);
        }

        return CommandResult.Done;
    }

    /// <summary>Deletes a finished run: its files under <c>runs/{id}/</c>, its record, then tells every <see cref="IRunDeletedListener"/>.</summary>
    public async Task<CommandResult> DeleteAsync(ClaimsPrincipal user, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!DashboardRoles.CanOperate(user))
        {
            LogRefused(user.Identity?.Name, "delete a run");
            return new CommandResult("Only Operators can delete runs.");
        }

        if (!RunKeys.IsValidRunId(runId))
        {
            return new CommandResult($"There is no run '{runId}'.");
        }

        lock (_gate)
        {
            if (_active.ContainsKey(runId))
            {
                return new CommandResult("The run is still active: cancel it first, then delete it.");
            }
        }

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            var record = await db.Runs.FirstOrDefaultAsync(r => r.Id == runId, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                return new CommandResult($"There is no run '{runId}'.");
            }

            if (record.State is not (RunState.Succeeded or RunState.Failed or RunState.Cancelled))
            {
                return new CommandResult("The run is still active: cancel it first, then delete it.");
            }

            await store.DeletePrefixAsync(RunKeys.Run(runId), cancellationToken).ConfigureAwait(false);
            db.Runs.Remove(record);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        LogDeleted(runId, user.Identity?.Name);
        foreach (var listener in _deletedListeners)
        {
            try
            {
                await listener.OnRunDeletedAsync(runId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogListenerFailed(e, runId);
            }
        }

        RaiseChanged(new RunChange(runId, null));
        return CommandResult.Done;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Task[] tasks;
        lock (_gate)
        {
            tasks = [.. _runTasks];
        }

        // Jobs keep running: the run records keep their handles and the next start re-attaches.
        await Task.WhenAll(tasks).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _submitGate.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        try
        {
            await ReconcileAsync(stoppingToken).ConfigureAwait(false);
            _wake.Writer.TryWrite(true);
            while (await _wake.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                await DispatchAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var unfinished = await db.Runs.AsNoTracking()
            .Where(r => r.State == RunState.Starting || r.State == RunState.Running || r.State == RunState.Cancelling)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var record in unfinished)
        {
            if (await RunOutputs.ReadManifestAsync(store, record.Id, cancellationToken).ConfigureAwait(false) is { } manifest)
            {
                LogReconciled(record.Id, "published while the dashboard was away: Succeeded");
                await FinishSucceededAsync(record.Id, manifest, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var handle = JobHandle.TryParse(record.RunnerHandle);
            var execution = handle is null ? null : await runner.AttachAsync(record.Id, handle, cancellationToken).ConfigureAwait(false);
            if (execution is not null)
            {
                LogReconciled(record.Id, "still running: re-attached");
                var snapshot = RunSnapshot.From(record);
                var active = new ActiveRun(snapshot.Id, snapshot.Parameters, [.. snapshot.Sizes])
                {
                    CancelRequested = record.State == RunState.Cancelling,
                };
                Launch(active, execution);
            }
            else if (record.State == RunState.Cancelling)
            {
                LogReconciled(record.Id, "was cancelling: Cancelled");
                await FinishCancelledAsync(record.Id, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                LogReconciled(record.Id, "no longer running: Failed (interrupted)");
                await FinishFailedAsync(record.Id, Interrupted, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DispatchAsync(CancellationToken cancellationToken)
    {
        int free;
        string[] busy;
        lock (_gate)
        {
            free = options.Value.MaxConcurrent - _active.Count;
            busy = [.. _active.Keys];
        }

        if (free <= 0)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var queued = await db.Runs.AsNoTracking()
            .Where(r => r.State == RunState.Queued && !busy.Contains(r.Id))
            .OrderBy(r => r.CreatedUtc).Take(free)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var record in queued)
        {
            var snapshot = RunSnapshot.From(record);
            Launch(new ActiveRun(snapshot.Id, snapshot.Parameters, [.. snapshot.Sizes]), null);
        }
    }

    private void Launch(ActiveRun run, IJobExecution? attached)
    {
        lock (_gate)
        {
            _active[run.Id] = run;
            var task = Task.Run(() => FollowAsync(run, attached));
            _runTasks.Add(task);
            _ = task.ContinueWith(t =>
            {
                lock (_gate)
                {
                    _runTasks.Remove(t);
                }
            }, TaskScheduler.Default);
        }
    }

    private async Task FollowAsync(ActiveRun run, IJobExecution? attached)
    {
        var stopping = _stopping;
        var detached = false;
        try
        {
            var execution = attached ?? await StartJobAsync(run, stopping).ConfigureAwait(false);
            if (execution is null)
            {
                return;
            }

            await using (execution.ConfigureAwait(false))
            {
                bool cancelNow;
                lock (_gate)
                {
                    run.Execution = execution;
                    cancelNow = run.CancelRequested;
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
                        failure = await OnEventAsync(run, e, stopping).ConfigureAwait(false) ?? failure;
                    }

                    exit = await execution.Completion.WaitAsync(stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    detached = true;
                    await PersistProgressAsync(run, CancellationToken.None).ConfigureAwait(false);
                    return;
                }

                await FinishAsync(run, failure, exit, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            detached = true;
        }
        catch (Exception e)
        {
            LogFollowFailed(e, run.Id);
            await FinishFailedAsync(run.Id, $"the dashboard lost track of the job: {e.Message}", CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _active.Remove(run.Id);
            }

            if (!detached)
            {
                await PublishStoredAsync(run.Id).ConfigureAwait(false);
                _wake.Writer.TryWrite(true);
            }
        }
    }

    private async Task<IJobExecution?> StartJobAsync(ActiveRun run, CancellationToken cancellationToken)
    {
        await UpdateAsync(run.Id, r =>
        {
            r.State = run.CancelRequested ? RunState.Cancelling : RunState.Starting;
            r.StartedUtc = time.GetUtcNow().UtcDateTime;
        }, cancellationToken).ConfigureAwait(false);
        if (run.CancelRequested)
        {
            await FinishCancelledAsync(run.Id, cancellationToken).ConfigureAwait(false);
            return null;
        }

        IJobExecution execution;
        try
        {
            execution = await runner.StartAsync(new JobRequest(run.Parameters with { RunId = run.Id }), cancellationToken).ConfigureAwait(false);
        }
        catch (JobStartException e)
        {
            await FinishFailedAsync(run.Id, e.Message, cancellationToken).ConfigureAwait(false);
            return null;
        }

        // The handle is saved before anything else so that a crash from here on can be reconciled.
        await UpdateAsync(run.Id, r => r.RunnerHandle = execution.Handle.ToString(), CancellationToken.None).ConfigureAwait(false);
        return execution;
    }

    private async Task<string?> OnEventAsync(ActiveRun run, JobEvent e, CancellationToken cancellationToken)
    {
        switch (e)
        {
            case JobStarted:
                await UpdateAsync(run.Id, r =>
                {
                    if (r.State == RunState.Starting)
                    {
                        r.State = RunState.Running;
                    }
                }, cancellationToken).ConfigureAwait(false);
                return null;
            case JobIteration it:
                run.SetSize(it.NHidden, s => s with { Iteration = it.Iteration, Loss = it.Loss });
                if (time.GetUtcNow() - run.LastPersisted >= s_persistEvery)
                {
                    await PersistProgressAsync(run, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    PublishLive(run);
                }

                return null;
            case JobModelDone done:
                // A re-attached job reports only that a size is done: its metrics come from its small metrics file.
                var metrics = done.Metrics ?? await RunOutputs.ReadMetricsAsync(store, run.Id, done.NHidden, cancellationToken).ConfigureAwait(false);
                done = done with { Metrics = metrics };
                run.SetSize(done.NHidden, s => s with
                {
                    Done = true,
                    Metrics = done.Metrics ?? s.Metrics,
                    Iteration = done.Metrics?.Iterations ?? s.Iteration,
                    Loss = done.Metrics?.FinalLoss ?? s.Loss,
                });
                await PersistProgressAsync(run, cancellationToken).ConfigureAwait(false);
                return null;
            case JobFailed failed:
                return failed.Message;
            default:
                return null;
        }
    }

    private async Task FinishAsync(ActiveRun run, string? failure, JobExit exit, CancellationToken cancellationToken)
    {
        await PersistProgressAsync(run, cancellationToken).ConfigureAwait(false);
        if (await RunOutputs.ReadManifestAsync(store, run.Id, cancellationToken).ConfigureAwait(false) is { } manifest)
        {
            await FinishSucceededAsync(run.Id, manifest, cancellationToken).ConfigureAwait(false);
        }
        else if (run.CancelRequested)
        {
            await FinishCancelledAsync(run.Id, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var reason = failure
                ?? exit.Reason
                ?? "interrupted: the job ended without publishing";
            await FinishFailedAsync(run.Id, reason, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<CommandResult> CancelInactiveAsync(string runId, CancellationToken cancellationToken)
    {
        var snapshot = await GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return new CommandResult($"There is no run '{runId}'.");
        }

        if (snapshot.State == RunState.Succeeded)
        {
            return new CommandResult("The run has published its results: it can no longer be cancelled, only deleted.");
        }

        if (snapshot.IsFinished)
        {
            return new CommandResult($"The run has already ended ({snapshot.State}).");
        }

        // Queued and not picked up yet (a run being dispatched is active and handled above).
        var cancelled = false;
        await UpdateAsync(runId, r =>
        {
            if (r.State == RunState.Queued)
            {
                r.State = RunState.Cancelled;
                r.FinishedUtc = time.GetUtcNow().UtcDateTime;
                cancelled = true;
            }
        }, cancellationToken).ConfigureAwait(false);
        return cancelled ? CommandResult.Done : new CommandResult("The run changed state meanwhile; try again.");
    }

    private Task FinishSucceededAsync(string runId, RunManifest manifest, CancellationToken cancellationToken) =>
        UpdateAsync(runId, r =>
        {
            var models = manifest.Models.ToDictionary(m => m.NHidden);
            var sizes = RunSnapshot.From(r).Sizes.Select(s => models.TryGetValue(s.NHidden, out var m)
                ? s with { Done = true, Metrics = m, Iteration = m.Iterations, Loss = m.FinalLoss }
                : s);
            r.ProgressJson = RunSnapshot.ProgressToJson(sizes);
            r.State = RunState.Succeeded;
            r.BestNHidden = manifest.BestNHidden;
            r.Error = null;
            r.FinishedUtc ??= time.GetUtcNow().UtcDateTime;
        }, cancellationToken);

    private async Task FinishCancelledAsync(string runId, CancellationToken cancellationToken)
    {
        // Nothing of a cancelled run is kept: it never published, and its partial outputs are of no use.
        await store.DeletePrefixAsync(RunKeys.Run(runId), cancellationToken).ConfigureAwait(false);
        await UpdateAsync(runId, r =>
        {
            r.State = RunState.Cancelled;
            r.FinishedUtc = time.GetUtcNow().UtcDateTime;
        }, cancellationToken).ConfigureAwait(false);
    }

    private Task FinishFailedAsync(string runId, string reason, CancellationToken cancellationToken) =>
        UpdateAsync(runId, r =>
        {
            r.State = RunState.Failed;
            r.Error = reason;
            r.FinishedUtc = time.GetUtcNow().UtcDateTime;
        }, cancellationToken);

    private Task PersistProgressAsync(ActiveRun run, CancellationToken cancellationToken)
    {
        run.LastPersisted = time.GetUtcNow();
        var json = RunSnapshot.ProgressToJson(run.Sizes);
        return UpdateAsync(run.Id, r => r.ProgressJson = json, cancellationToken);
    }

    private async Task UpdateAsync(string runId, Action<RunRecord> change, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var record = await db.Runs.FirstOrDefaultAsync(r => r.Id == runId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return;
        }

        change(record);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        var snapshot = RunSnapshot.From(record);
        lock (_gate)
        {
            if (_active.TryGetValue(runId, out var active))
            {
                active.Record = snapshot;
                snapshot = active.Current();
            }
        }

        Publish(snapshot);
    }

    private async Task PublishStoredAsync(string runId)
    {
        try
        {
            if (await GetAsync(runId, CancellationToken.None).ConfigureAwait(false) is { } snapshot)
            {
                Publish(snapshot);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or DbUpdateException or Microsoft.Data.Sqlite.SqliteException)
        {
            LogHandlerFailed(e, runId);
        }
    }

    private void PublishLive(ActiveRun run)
    {
        RunSnapshot? snapshot;
        lock (_gate)
        {
            snapshot = run.Record is null ? null : run.Current();
        }

        if (snapshot is not null)
        {
            Publish(snapshot);
        }
    }

    private void Publish(RunSnapshot snapshot) => RaiseChanged(new RunChange(snapshot.Id, snapshot));

    private void RaiseChanged(RunChange change)
    {
        var handlers = RunChanged;
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action<RunChange>>())
        {
            try
            {
                handler(change);
            }
            catch (Exception e)
            {
                LogHandlerFailed(e, change.RunId);
            }
        }
    }

    private RunSnapshot? Live(string runId)
    {
        lock (_gate)
        {
            return _active.TryGetValue(runId, out var active) && active.Record is not null ? active.Current() : null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} queued by {User}")]
    private partial void LogQueued(string runId, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused: {User} may not {Action}")]
    private partial void LogRefused(string? user, string action);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} cancelled by {User}")]
    private partial void LogCancelling(string runId, string? user);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} deleted by {User}")]
    private partial void LogDeleted(string runId, string? user);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} reconciled: {Outcome}")]
    private partial void LogReconciled(string runId, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Following run {RunId} failed")]
    private partial void LogFollowFailed(Exception e, string runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A run-deleted listener failed for run {RunId}")]
    private partial void LogListenerFailed(Exception e, string runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A run-change handler failed for run {RunId}")]
    private partial void LogHandlerFailed(Exception e, string runId);

    /// <summary>A run the coordinator is executing or following.</summary>
    private sealed class ActiveRun(string id, RunParameters parameters, SizeProgress[] sizes)
    {
        public string Id { get; } = id;

        public RunParameters Parameters { get; } = parameters;

        public SizeProgress[] Sizes { get; } = sizes;

        public bool CancelRequested { get; set; }

        public IJobExecution? Execution { get; set; }

        public RunSnapshot? Record { get; set; }

        public DateTimeOffset LastPersisted { get; set; }

        public void SetSize(int nHidden, Func<SizeProgress, SizeProgress> change)
        {
            lock (Sizes)
            {
                var i = Array.FindIndex(Sizes, s => s.NHidden == nHidden);
                if (i >= 0)
                {
                    Sizes[i] = change(Sizes[i]);
                }
            }
        }

        public RunSnapshot Current()
        {
            lock (Sizes)
            {
                return (Record ?? throw new InvalidOperationException("No record yet.")) with { Sizes = [.. Sizes] };
            }
        }
    }
}
