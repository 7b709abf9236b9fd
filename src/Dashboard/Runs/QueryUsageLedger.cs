using System.Threading.Channels;
using OneOff.Core.Query;

namespace OneOff.Dashboard.Runs;

/// <summary>
/// Keeps what the query engine spent on each run in its record (<see cref="Data.RunRecord.AddQueryUsage"/>), where it
/// joins the cluster's cost on the run page and in the run list. The engine reports each finished query on its own
/// path (<see cref="Record"/> returns at once); this service adds them up and writes one update per run and batch, off
/// that path. A clean stop writes what is still queued; a crash loses at most the last batch of a figure that is an
/// estimate anyway, never a run. A run deleted meanwhile is skipped.
/// </summary>
internal sealed partial class QueryUsageLedger(RunStore runs, ILogger<QueryUsageLedger> logger) : BackgroundService, IQueryUsageSink
{
    private readonly Channel<(string RunId, QueryUsage Usage)> _queue =
        Channel.CreateUnbounded<(string, QueryUsage)>(new() { SingleReader = true });

    /// <summary>Raised after each batch is written (tests wait on it).</summary>
    public event Action? Written;

    /// <inheritdoc />
    public void Record(string runId, QueryUsage usage)
    {
        if (!string.IsNullOrEmpty(runId) && usage is { Queries: > 0 })
        {
            _queue.Writer.TryWrite((runId, usage));
        }
    }

    /// <summary>Stops taking usage and writes what is queued before it returns (within the host's shutdown timeout).</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Read to the end of the queue even once stopping has begun: StopAsync completes it, so this loop ends after the last write.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var batch = new Dictionary<string, QueryUsage>(StringComparer.Ordinal);
            while (_queue.Reader.TryRead(out var item))
            {
                batch[item.RunId] = batch.TryGetValue(item.RunId, out var sum) ? sum.Add(item.Usage) : item.Usage;
            }

            foreach (var (runId, usage) in batch)
            {
                try
                {
                    await runs.UpdateAsync(runId, r => r.AddQueryUsage(usage), CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    LogWriteFailed(e, runId, usage.Queries);
                }
            }

            Written?.Invoke();
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Run {RunId}: the usage of {Queries} queries could not be added to its record; its cost figure leaves them out")]
    private partial void LogWriteFailed(Exception exception, string runId, long queries);
}
