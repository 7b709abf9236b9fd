using System.Collections.Concurrent;
using OneOff.Core.Query;

namespace OneOff.Dashboard.Tests.Results;

/// <summary>
/// Counts the calls that reach a real engine, per query; when <see cref="Gate"/> is set, every call waits for it
/// before it goes on (to hold concurrent requests in flight together); when <see cref="Health"/> is set, the health
/// check answers it instead of the engine.
/// </summary>
internal sealed class CountingQueryEngine(IQueryEngine inner) : IQueryEngine
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    public TaskCompletionSource? Gate { get; set; }

    public QueryEngineHealth? Health { get; init; }

    public int Calls => _calls.Values.Sum();

    public int CallsOf(string query) => _calls.GetValueOrDefault(query);

    public async Task<PointSet> GetTrainingDataAsync(string runId, double sampleFraction = 1, CancellationToken cancellationToken = default)
    {
        await EnterAsync(QueryCatalog.TrainingData);
        return await inner.GetTrainingDataAsync(runId, sampleFraction, cancellationToken);
    }

    public async Task<PointSet> GetTestDataAsync(string runId, double sampleFraction = 1, CancellationToken cancellationToken = default)
    {
        await EnterAsync(QueryCatalog.TestData);
        return await inner.GetTestDataAsync(runId, sampleFraction, cancellationToken);
    }

    public async Task<ClassFractions> GetClassFractionsAsync(string runId, CancellationToken cancellationToken = default)
    {
        await EnterAsync(QueryCatalog.ClassFractions);
        return await inner.GetClassFractionsAsync(runId, cancellationToken);
    }

    public async Task<DecisionSurface> GetDecisionSurfaceAsync(string runId, int nHidden, CancellationToken cancellationToken = default)
    {
        await EnterAsync(QueryCatalog.DecisionSurface);
        return await inner.GetDecisionSurfaceAsync(runId, nHidden, cancellationToken);
    }

    public async Task<SurfaceSet> GetAllSurfacesAsync(string runId, CancellationToken cancellationToken = default)
    {
        await EnterAsync(QueryCatalog.AllSurfaces);
        return await inner.GetAllSurfacesAsync(runId, cancellationToken);
    }

    public async Task<RunMetrics> GetMetricsAsync(string runId, CancellationToken cancellationToken = default)
    {
        await EnterAsync(QueryCatalog.Metrics);
        return await inner.GetMetricsAsync(runId, cancellationToken);
    }

    public async Task<LossCurves> GetLossCurvesAsync(string runId, CancellationToken cancellationToken = default)
    {
        await EnterAsync(QueryCatalog.LossCurves);
        return await inner.GetLossCurvesAsync(runId, cancellationToken);
    }

    public Task<QueryEngineHealth> CheckHealthAsync(CancellationToken cancellationToken = default) =>
        Health is { } health ? Task.FromResult(health) : inner.CheckHealthAsync(cancellationToken);

    private async Task EnterAsync(QueryDefinition query)
    {
        _calls.AddOrUpdate(query.Name, 1, (_, n) => n + 1);
        if (Gate is { } gate)
        {
            await gate.Task;
        }
    }
}
