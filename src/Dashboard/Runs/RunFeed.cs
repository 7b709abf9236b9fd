using System.Collections.Immutable;

namespace OneOff.Dashboard.Runs;

/// <summary>
/// The change notifications of runs: every saved change of a record, the live progress of active runs between two
/// saves, and deletions. Pages subscribe to <see cref="Changed"/>; what must happen when a run is deleted (the
/// results cache dropping that run) subscribes with <see cref="OnDeleted"/>.
/// </summary>
public sealed partial class RunFeed(ILogger<RunFeed> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Live> _live = new(StringComparer.Ordinal);
    private ImmutableArray<Func<string, CancellationToken, Task>> _deleted = [];

    /// <summary>Raised after any change of a run (state, progress, deletion); handlers must be quick and not throw.</summary>
    public event Action<RunChange>? Changed;

    /// <summary>
    /// Calls <paramref name="handler"/> after each deletion of a run (its files and its record are gone), before
    /// <see cref="Changed"/> tells the pages. Dispose the result to unsubscribe.
    /// </summary>
    public IDisposable OnDeleted(Func<string, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ImmutableInterlocked.Update(ref _deleted, list => list.Add(handler));
        return new Subscription(() => ImmutableInterlocked.Update(ref _deleted, list => list.Remove(handler)));
    }

    /// <summary>Tells every page about a saved change of a run (with the live progress, while the run has some).</summary>
    public void Publish(RunSnapshot run)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (_gate)
        {
            if (run.IsFinished)
            {
                // A finished record holds the last progress: nothing live is newer.
                _live.Remove(run.Id);
            }
            else if (_live.TryGetValue(run.Id, out var live))
            {
                live.Record = run;
                run = live.Current();
            }
        }

        Raise(new RunChange(run.Id, run));
    }

    /// <summary>Starts keeping the live progress of <paramref name="run"/>, an active run, from its record.</summary>
    public void Track(RunSnapshot run)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (_gate)
        {
            _live[run.Id] = new Live { Record = run, Sizes = run.Sizes };
        }
    }

    /// <summary>
    /// The live progress of a tracked run, newer than its record: kept until <see cref="EndProgress"/> and shown
    /// over the record by <see cref="Overlay"/> and <see cref="Publish"/>; ignored for a run not tracked.
    /// </summary>
    public void PublishProgress(string runId, ImmutableArray<SizeProgress> sizes)
    {
        if (SetProgress(runId, sizes) is { } current)
        {
            Raise(new RunChange(runId, current));
        }
    }

    /// <summary>Keeps the live progress of a tracked run without telling anyone (a save that follows publishes it); the run as it is now, or null.</summary>
    public RunSnapshot? SetProgress(string runId, ImmutableArray<SizeProgress> sizes)
    {
        lock (_gate)
        {
            if (!_live.TryGetValue(runId, out var live))
            {
                return null;
            }

            live.Sizes = sizes;
            return live.Current();
        }
    }

    /// <summary>Forgets the live progress of a run whose follower has ended (its record holds the last of it).</summary>
    public void EndProgress(string runId)
    {
        lock (_gate)
        {
            _live.Remove(runId);
        }
    }

    /// <summary><paramref name="run"/> with the live progress of its run, if it has some.</summary>
    public RunSnapshot Overlay(RunSnapshot run)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (_gate)
        {
            return !run.IsFinished && _live.TryGetValue(run.Id, out var live) ? run with { Sizes = live.Sizes } : run;
        }
    }

    /// <summary>Tells every <see cref="OnDeleted"/> subscriber, then every page, that a run is gone.</summary>
    public async Task PublishDeletedAsync(string runId, CancellationToken cancellationToken)
    {
        EndProgress(runId);
        foreach (var handler in _deleted)
        {
            try
            {
                await handler(runId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogDeletedHandlerFailed(e, runId);
            }
        }

        Raise(new RunChange(runId, null));
    }

    private void Raise(RunChange change)
    {
        if (Changed is not { } handlers)
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

    [LoggerMessage(Level = LogLevel.Error, Message = "A run-deleted subscriber failed for run {RunId}")]
    private partial void LogDeletedHandlerFailed(Exception e, string runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A run-change handler failed for run {RunId}")]
    private partial void LogHandlerFailed(Exception e, string runId);

    private sealed class Live
    {
        public required RunSnapshot Record { get; set; }

        public required ImmutableArray<SizeProgress> Sizes { get; set; }

        public RunSnapshot Current() => Record with { Sizes = Sizes };
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
