using System.Collections.Concurrent;
using System.Data.Common;
using OneOff.Core.Runs;
using OneOff.Core.Storage;

namespace OneOff.Core.Query;

/// <summary>
/// The catalog's seven queries as both engines answer them: each names its <see cref="QueryDefinition"/>, the values
/// it binds (from the run id, the sample fraction and the run's published sizes) and the reader of its rows. Before
/// anything is queried the run id is checked and the run's manifest read (published? which sizes?); queries of one
/// run asked at the same time share that read (a run page asks five at once: one manifest GET on S3, not five). An
/// engine says how one bound query runs against its data (<see cref="ExecuteAsync"/>) and how it checks its health.
/// </summary>
/// <param name="store">Where the runs' manifests are.</param>
public abstract class CatalogQueryEngine(IObjectStore store) : IQueryEngine
{
    private readonly ConcurrentDictionary<string, Lazy<Task<int[]>>> _manifestReads = new(StringComparer.Ordinal);

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

    /// <summary>Runs one bound catalog query about one published run and reads its rows with <paramref name="read"/>.</summary>
    /// <param name="runId">The run (checked, and published).</param>
    /// <param name="command">The query with its values bound.</param>
    /// <param name="read">Reads the query's rows.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    protected abstract Task<T> ExecuteAsync<T>(string runId, QueryCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken);

    private async Task<T> RunAsync<T>(
        string runId, QueryDefinition query, Func<int[], IReadOnlyList<object>> values, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var sizes = await SizesAsync(runId, cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(runId, query.Bind(values(sizes)), read, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="PublishedRuns.SizesAsync"/>, one read for the callers asking about the same run while it is under
    /// way; nothing is kept once it has finished (a run deleted or published a moment later is seen at the next ask).
    /// A caller's cancellation ends its own wait, not the read the others share.
    /// </summary>
    private Task<int[]> SizesAsync(string runId, CancellationToken cancellationToken)
    {
        RunKeys.ThrowIfInvalidRunId(runId);
        cancellationToken.ThrowIfCancellationRequested();
        var read = new Lazy<Task<int[]>>(() => ReadSizesAsync(runId), LazyThreadSafetyMode.ExecutionAndPublication);
        var shared = _manifestReads.GetOrAdd(runId, read);
        return shared.Value.WaitAsync(cancellationToken);
    }

    private async Task<int[]> ReadSizesAsync(string runId)
    {
        try
        {
            return await PublishedRuns.SizesAsync(store, runId, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _manifestReads.TryRemove(runId, out _);
        }
    }

    private static double CheckFraction(double sampleFraction) =>
        sampleFraction is > 0 and <= 1
            ? sampleFraction
            : throw new ArgumentOutOfRangeException(nameof(sampleFraction), sampleFraction, "The sample fraction must be above 0 and at most 1 (1 keeps every point).");
}
