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
internal sealed partial class QueryUsageLedger(RunStore runs, ILogger<QueryUsageLedger> logger) : IHostedService, IQueryUsageSink
{
    private readonly Channel<(string RunId, QueryUsage Usage)> _queue =
        Channel.CreateUnbounded<(string, QueryUsage)>(); // not SingleReader: that one cannot count what is left at a stop

    private Task? _writer;

    /// <inheritdoc />
    public void Record(string runId, QueryUsage usage)
    {
        if (!string.IsNullOrEmpty(runId) && usage is { Queries: > 0 })
        {
            _queue.Writer.TryWrite((runId, usage));
        }
    }

    /// <summary>Starts the writer (its own task, with no token: only <see cref="StopAsync"/> ends it, once the queue is written).</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writer ??= Task.Run(WriteAllAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops taking usage and waits until what is queued is written, or until the host's shutdown timeout ends the
    /// wait (then it says so and returns: a stop never fails the host's shutdown).
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_writer is not { } writer)
        {
            return;
        }

        try
        {
            await writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (_queue.Reader.Count > 0)
            {
                LogStoppedUnwritten(_queue.Reader.Count);
            }
        }
    }

    private async Task WriteAllAsync()
    {
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
        }
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Shutting down before the usage of {Queries} more queries was added to their runs' records; their cost figures leave them out")]
    private partial void LogStoppedUnwritten(int queries);

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Run {RunId}: the usage of {Queries} queries could not be added to its record; its cost figure leaves them out")]
    private partial void LogWriteFailed(Exception exception, string runId, long queries);
}
