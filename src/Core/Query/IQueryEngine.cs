namespace OneOff.Core.Query;

/// <summary>
/// Answers the small catalog of named, parameterised queries (<see cref="QueryCatalog"/>) about ONE published run:
/// embedded DuckDB over the run's local Parquet files, or Athena over S3.
/// Every method refuses a run id that is not 1–64 characters of [a-z0-9-] (starting with a letter or digit)
/// with an <see cref="ArgumentException"/>, and a run that has no <c>_manifest.json</c> with a
/// <see cref="RunNotPublishedException"/>, before it queries anything. Every query over a partitioned table reads the
/// run's own sizes, from its manifest (<see cref="PublishedRuns.SizesAsync"/>). A published run whose outputs cannot be
/// read gives an <see cref="InvalidDataException"/>; a query the engine ran and that failed (Athena's FAILED, a
/// timeout) a <see cref="QueryFailedException"/> with a plain message.
/// </summary>
public interface IQueryEngine
{
    /// <summary>The training points of a run, in id order.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="sampleFraction">Keep the points whose <c>ran_num</c> (uniform in [0, 1)) is below this: 1 (the default) keeps every point.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleFraction"/> is not in (0, 1].</exception>
    Task<PointSet> GetTrainingDataAsync(string runId, double sampleFraction = 1, CancellationToken cancellationToken = default);

    /// <summary>The held-out test points of a run, in id order; <paramref name="sampleFraction"/> as for <see cref="GetTrainingDataAsync"/>.</summary>
    Task<PointSet> GetTestDataAsync(string runId, double sampleFraction = 1, CancellationToken cancellationToken = default);

    /// <summary>How many training and test points are of each class.</summary>
    Task<ClassFractions> GetClassFractionsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>The decision surface of the model with <paramref name="nHidden"/> hidden units.</summary>
    /// <exception cref="ModelNotFoundException">The run has no model of that size.</exception>
    Task<DecisionSurface> GetDecisionSurfaceAsync(string runId, int nHidden, CancellationToken cancellationToken = default);

    /// <summary>The predicted class maps of every model of the run, on one shared grid.</summary>
    Task<SurfaceSet> GetAllSurfacesAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>The metrics of every model of the run.</summary>
    Task<RunMetrics> GetMetricsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>The loss curves of every model of the run.</summary>
    Task<LossCurves> GetLossCurvesAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>A cheap check that the engine can answer (for <c>/healthz</c>): it never scans data and costs nothing.</summary>
    Task<QueryEngineHealth> CheckHealthAsync(CancellationToken cancellationToken = default);
}

/// <summary>Thrown when the results of a run that is not published (has no <c>_manifest.json</c>) are asked for.</summary>
public sealed class RunNotPublishedException(string runId)
    : InvalidOperationException(
        $"Run '{runId}' is not published (it has no _manifest.json): its results can be queried once the job has finished and published them.")
{
    /// <summary>The run that was asked for.</summary>
    public string RunId { get; } = runId;
}

/// <summary>Thrown when a published run is asked for a model (a hidden-layer size) it does not have.</summary>
/// <param name="runId">The run that was asked.</param>
/// <param name="nHidden">The size it does not have.</param>
public sealed class ModelNotFoundException(string runId, int nHidden)
    : KeyNotFoundException($"Run '{runId}' has no model with {nHidden} hidden units: ask for one of the sizes its metrics list.")
{
    /// <summary>The run that was asked.</summary>
    public string RunId { get; } = runId;

    /// <summary>The size it does not have.</summary>
    public int NHidden { get; } = nHidden;
}

/// <summary>
/// Thrown when the query engine ran a query and it failed (Athena's FAILED state, a query that did not finish in
/// time): <see cref="Exception.Message"/> is a plain sentence for the page, with no internal path or stack trace.
/// </summary>
public sealed class QueryFailedException : Exception
{
    /// <summary>Creates the error.</summary>
    /// <param name="queryName">The catalog query (<see cref="QueryDefinition.Name"/>).</param>
    /// <param name="runId">The run it asked about.</param>
    /// <param name="message">The plain message.</param>
    /// <param name="retryable">True when asking again may succeed (a Retry is worth offering).</param>
    /// <param name="innerException">The engine's own error, for the log.</param>
    public QueryFailedException(string queryName, string runId, string message, bool retryable, Exception? innerException = null)
        : base(message, innerException)
    {
        QueryName = queryName;
        RunId = runId;
        Retryable = retryable;
    }

    /// <summary>The catalog query that failed.</summary>
    public string QueryName { get; }

    /// <summary>The run it asked about.</summary>
    public string RunId { get; }

    /// <summary>True when asking again may succeed.</summary>
    public bool Retryable { get; }
}
