using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Results;

/// <summary>Drops a deleted run's cached results: subscribes to the <see cref="RunFeed"/>'s deletions (told after the files and the record are gone).</summary>
internal sealed class ResultsCacheEviction(ResultsService results, RunFeed feed) : IHostedService, IDisposable
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.OnDeleted((runId, ct) => results.EvictRunAsync(runId, ct).AsTask());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _subscription = null;
    }
}
