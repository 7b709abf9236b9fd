using System.Data.Common;

namespace OneOff.Core.Query;

/// <summary>
/// The catalog's seven queries as both engines answer them: each names its <see cref="QueryDefinition"/>, the values
/// it binds (from the run id, the sample fraction and the run's published sizes) and the reader of its rows. An engine
/// says how one bound query runs against its data (<see cref="RunAsync"/>) and how it checks its own health.
/// </summary>
public abstract class CatalogQueryEngine : IQueryEngine
{
    /// <inheritdoc />
    public Task<PointSet> GetTrainingDataAsync(string runId, double sampleFraction = 1, CancellationToken cancellationToken = default)
    {
        var fraction = CheckFraction(sampleFraction);
        return RunAsync(runId, QueryCatalog.TrainingData, _ => [runId, fraction], QueryResultReaders.ReadPoints, cancellationToken);
    }

    /// <inheritdoc />
    public Task<PointSet> GetTestDataAsync(string runId, double sampleFraction = 1, CancellationToken cancellationToken = default)
    {
        var fraction = CheckFraction(sampleFraction);
        return RunAsync(runId, QueryCatalog.TestData, _ => [runId, fraction], QueryResultReaders.ReadPoints, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ClassFractions> GetClassFractionsAsync(string runId, CancellationToken cancellationToken = default) =>
        RunAsync(runId, QueryCatalog.ClassFractions, _ => [runId, runId], QueryResultReaders.ReadClassFractions, cancellationToken);

    /// <inheritdoc />
    public async Task<DecisionSurface> GetDecisionSurfaceAsync(string runId, int nHidden, CancellationToken cancellationToken = default)
    {
        var surface = await RunAsync(
            runId,
            QueryCatalog.DecisionSurface,
            sizes => sizes.Contains(nHidden) ? [runId, new[] { nHidden }] : throw new ModelNotFoundException(runId, nHidden),
            reader => QueryResultReaders.ReadSurface(reader, nHidden),
            cancellationToken).ConfigureAwait(false);
        return surface ?? throw new ModelNotFoundException(runId, nHidden);
    }

    /// <inheritdoc />
    public Task<SurfaceSet> GetAllSurfacesAsync(string runId, CancellationToken cancellationToken = default) =>
        RunAsync(runId, QueryCatalog.AllSurfaces, sizes => [runId, sizes], QueryResultReaders.ReadSurfaceSet, cancellationToken);

    /// <inheritdoc />
    public Task<RunMetrics> GetMetricsAsync(string runId, CancellationToken cancellationToken = default) =>
        RunAsync(runId, QueryCatalog.Metrics, sizes => [runId, sizes], QueryResultReaders.ReadMetrics, cancellationToken);

    /// <inheritdoc />
    public Task<LossCurves> GetLossCurvesAsync(string runId, CancellationToken cancellationToken = default) =>
        RunAsync(runId, QueryCatalog.LossCurves, sizes => [runId, sizes], QueryResultReaders.ReadLossCurves, cancellationToken);

    /// <inheritdoc />
    public abstract Task<QueryEngineHealth> CheckHealthAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs one catalog query about one run: checks the run id and reads the run's manifest (published? which sizes?)
    /// before anything is queried, binds <paramref name="values"/> of those sizes, and reads the rows with
    /// <paramref name="read"/>.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="query">The catalog query.</param>
    /// <param name="values">The values to bind, from the run's published sizes.</param>
    /// <param name="read">Reads the query's rows.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    protected abstract Task<T> RunAsync<T>(
        string runId, QueryDefinition query, Func<int[], IReadOnlyList<object>> values, Func<DbDataReader, T> read, CancellationToken cancellationToken);

    private static double CheckFraction(double sampleFraction) =>
        sampleFraction is > 0 and <= 1
            ? sampleFraction
            : throw new ArgumentOutOfRangeException(nameof(sampleFraction), sampleFraction, "The sample fraction must be above 0 and at most 1 (1 keeps every point).");
}
