using System.Threading.Channels;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Results;

/// <summary>
/// When a run succeeds, asks its results once in the background (ARCHITECTURE.md, "Athena": "When a run publishes, its
/// queries are run once in the background, so that the first person to open it waits for nothing"): the run page's
/// queries with the page's own arguments (so the cache keys are the page's) and the surface of every size (the
/// surface picker's), through <see cref="ResultsService"/>, which caches them. One run at a time; a run is warmed
/// once per process (a restart leaves the first view to run them, and Athena's result reuse makes that cheap). A
/// failure is logged and changes nothing: the page asks again when it is opened.
/// </summary>
internal sealed partial class ResultsWarmup(ResultsService results, RunFeed feed, ILogger<ResultsWarmup> logger) : BackgroundService
{
    /// <summary>How many run ids are remembered as warmed (a long-lived dashboard forgets the oldest).</summary>
    private const int Remembered = 4096;

    private readonly Channel<RunSnapshot> _queue = Channel.CreateUnbounded<RunSnapshot>(new() { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>Raised each time a run has been warmed (or its warm-up failed).</summary>
    public event Action<string>? Warmed;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        feed.Changed += OnChanged;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        feed.Changed -= OnChanged;
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var run in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var loaded = await results.GetRunResultsAsync(
                    run.Id, ResultsService.PlotSampleFraction(run.Parameters.TrainSize), run.BestNHidden, run.Parameters.HiddenSizes, stoppingToken).ConfigureAwait(false);
                foreach (var n in loaded.Surfaces?.NHidden ?? [])
                {
                    await results.GetDecisionSurfaceAsync(run.Id, n, stoppingToken).ConfigureAwait(false);
                }

                LogWarmed(run.Id);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever the engine says: the page will ask again, and show it there.
                LogWarmupFailed(e, run.Id);
            }

            Warmed?.Invoke(run.Id);
        }
    }

    private void OnChanged(RunChange change)
    {
        if (change.Run is not { State: RunState.Succeeded, Damaged: null } run)
        {
            return;
        }

        lock (_gate)
        {
            if (!_seen.Add(run.Id))
            {
                return;
            }

            _order.Enqueue(run.Id);
            if (_order.Count > Remembered)
            {
                _seen.Remove(_order.Dequeue());
            }
        }

        _queue.Writer.TryWrite(run);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Run {RunId}: results queried in the background, ready for its page")]
    private partial void LogWarmed(string runId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Run {RunId}: querying its results in the background failed; its page will ask again")]
    private partial void LogWarmupFailed(Exception exception, string runId);
}
