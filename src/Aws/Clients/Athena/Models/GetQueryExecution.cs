// GetQueryExecution: a query's state, statistics and result location.
// Members are named and ordered as the Athena service model (API 2017-05-18) has them: required first, then model order.
namespace OneOff.Aws.Clients.Athena.Models;

/// <summary>Input of <c>GetQueryExecution</c>.</summary>
internal sealed record GetQueryExecutionRequest
{
    /// <summary>The query's id.</summary>
    public required string QueryExecutionId { get; init; }
}

/// <summary>Output of <c>GetQueryExecution</c>.</summary>
internal sealed record GetQueryExecutionResponse
{
    /// <summary>The query.</summary>
    public QueryExecution? QueryExecution { get; init; }
}

/// <summary>One query execution: its SQL, state, statistics and result location.</summary>
internal sealed record QueryExecution
{
    /// <summary>The id.</summary>
    public string? QueryExecutionId { get; init; }

    /// <summary>The SQL as run.</summary>
    public string? Query { get; init; }

    /// <summary><c>DDL</c>, <c>DML</c> or <c>UTILITY</c> (see <see cref="AthenaStatementType"/>).</summary>
    public string? StatementType { get; init; }

    /// <summary>Set when the workgroup keeps results in Athena-managed storage (then there is no output location).</summary>
    public ManagedQueryResultsConfiguration? ManagedQueryResultsConfiguration { get; init; }

    /// <summary>Where results went.</summary>
    public ResultConfiguration? ResultConfiguration { get; init; }

    /// <summary>Result reuse as requested.</summary>
    public ResultReuseConfiguration? ResultReuseConfiguration { get; init; }

    /// <summary>Database and catalog.</summary>
    public QueryExecutionContext? QueryExecutionContext { get; init; }

    /// <summary>State and timing.</summary>
    public QueryExecutionStatus? Status { get; init; }

    /// <summary>Statistics (data scanned, times).</summary>
    public QueryExecutionStatistics? Statistics { get; init; }

    /// <summary>The workgroup.</summary>
    public string? WorkGroup { get; init; }

    /// <summary>Engine version.</summary>
    public EngineVersion? EngineVersion { get; init; }

    /// <summary>Always absent in replies, per the API reference.</summary>
    public IReadOnlyList<string>? ExecutionParameters { get; init; }

    /// <summary>Finer statement kind, e.g. <c>SELECT</c>.</summary>
    public string? SubstatementType { get; init; }
}

/// <summary>Athena-managed result storage.</summary>
internal sealed record ManagedQueryResultsConfiguration
{
    /// <summary>Whether managed results are on.</summary>
    public bool? Enabled { get; init; }

    /// <summary>Encryption of managed results.</summary>
    public ManagedQueryResultsEncryptionConfiguration? EncryptionConfiguration { get; init; }
}

/// <summary>KMS key of managed results.</summary>
internal sealed record ManagedQueryResultsEncryptionConfiguration
{
    /// <summary>The key.</summary>
    public string? KmsKey { get; init; }
}

/// <summary>State and timing of a query.</summary>
internal sealed record QueryExecutionStatus
{
    /// <summary>See <see cref="AthenaQueryState"/>.</summary>
    public string? State { get; init; }

    /// <summary>Why the state changed (the failure message for FAILED).</summary>
    public string? StateChangeReason { get; init; }

    /// <summary>When it was submitted.</summary>
    public DateTimeOffset? SubmissionDateTime { get; init; }

    /// <summary>When it finished.</summary>
    public DateTimeOffset? CompletionDateTime { get; init; }

    /// <summary>The error of a failed query.</summary>
    public AthenaError? AthenaError { get; init; }
}

/// <summary>Athena's description of a query failure.</summary>
internal sealed record AthenaError
{
    /// <summary>1 system, 2 user, 3 other.</summary>
    public int? ErrorCategory { get; init; }

    /// <summary>Numeric error type (Athena error catalog).</summary>
    public int? ErrorType { get; init; }

    /// <summary>Whether running the query again may succeed.</summary>
    public bool? Retryable { get; init; }

    /// <summary>The message.</summary>
    public string? ErrorMessage { get; init; }
}

/// <summary>Query statistics.</summary>
internal sealed record QueryExecutionStatistics
{
    /// <summary>Engine time.</summary>
    public long? EngineExecutionTimeInMillis { get; init; }

    /// <summary>Bytes scanned (what a query costs).</summary>
    public long? DataScannedInBytes { get; init; }

    /// <summary>The manifest of written files.</summary>
    public string? DataManifestLocation { get; init; }

    /// <summary>Total time.</summary>
    public long? TotalExecutionTimeInMillis { get; init; }

    /// <summary>Time queued.</summary>
    public long? QueryQueueTimeInMillis { get; init; }

    /// <summary>Pre-processing time.</summary>
    public long? ServicePreProcessingTimeInMillis { get; init; }

    /// <summary>Planning time.</summary>
    public long? QueryPlanningTimeInMillis { get; init; }

    /// <summary>Post-processing time.</summary>
    public long? ServiceProcessingTimeInMillis { get; init; }

    /// <summary>Whether an earlier result was reused.</summary>
    public ResultReuseInformation? ResultReuseInformation { get; init; }

    /// <summary>DPUs used (capacity reservations).</summary>
    public double? DpuCount { get; init; }
}

/// <summary>Result reuse outcome.</summary>
internal sealed record ResultReuseInformation
{
    /// <summary>True when the result came from an earlier run.</summary>
    public required bool ReusedPreviousResult { get; init; }
}

/// <summary>Engine version of a query.</summary>
internal sealed record EngineVersion
{
    /// <summary>As selected.</summary>
    public string? SelectedEngineVersion { get; init; }

    /// <summary>As used.</summary>
    public string? EffectiveEngineVersion { get; init; }
}
