using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Results;

/// <summary>Drops a deleted run's cached results (the coordinator tells it after the files and the record are gone).</summary>
internal sealed class ResultsCacheEviction(ResultsService results) : IRunDeletedListener
{
    public Task OnRunDeletedAsync(string runId, CancellationToken cancellationToken) =>
        results.EvictRunAsync(runId, cancellationToken).AsTask();
}
