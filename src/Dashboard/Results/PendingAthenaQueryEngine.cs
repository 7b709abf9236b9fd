using OneOff.Core.Query;

namespace OneOff.Dashboard.Results;

/// <summary>
/// Aws mode's query engine until <c>AthenaQueryEngine</c> lands (issue 12): every query says, in one line the run page
/// shows, that an Aws run's results need Athena; everything up to a published run on S3 works without it.
/// </summary>
internal sealed class PendingAthenaQueryEngine : IQueryEngine
{
    /// <summary>What the run page says instead of the plots.</summary>
    public const string Message = "Results of runs on EMR are read through Athena, which this version does not query yet; the run's outputs are in S3 (Export has them).";

    public Task<PointSet> GetTrainingDataAsync(string runId, double sampleFraction = 1, CancellationToken cancellationToken = default) => Refuse<PointSet>();

    public Task<PointSet> GetTestDataAsync(string runId, double sampleFraction = 1, CancellationToken cancellationToken = default) => Refuse<PointSet>();

    public Task<ClassFractions> GetClassFractionsAsync(string runId, CancellationToken cancellationToken = default) => Refuse<ClassFractions>();

    public Task<DecisionSurface> GetDecisionSurfaceAsync(string runId, int nHidden, CancellationToken cancellationToken = default) => Refuse<DecisionSurface>();

    public Task<SurfaceSet> GetAllSurfacesAsync(string runId, CancellationToken cancellationToken = default) => Refuse<SurfaceSet>();

    public Task<RunMetrics> GetMetricsAsync(string runId, CancellationToken cancellationToken = default) => Refuse<RunMetrics>();

    public Task<LossCurves> GetLossCurvesAsync(string runId, CancellationToken cancellationToken = default) => Refuse<LossCurves>();

    public Task<QueryEngineHealth> CheckHealthAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new QueryEngineHealth(true, "Athena is not queried in this version (run results need it)"));

    private static Task<T> Refuse<T>() => Task.FromException<T>(new NotSupportedException(Message));
}
