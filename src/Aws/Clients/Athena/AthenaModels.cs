// Request and response shapes of Amazon Athena (API 2017-05-18), members named and ordered as the service model
// (and so the AWS SDK for JavaScript v3) has them: required members first, then the rest in model order.
// Only the members OneOff uses or reads back are declared; unknown reply members are ignored.
namespace OneOff.Aws.Clients.Athena;

/// <summary>Input of <c>StartQueryExecution</c>.</summary>
public sealed record StartQueryExecutionRequest
{
    /// <summary>The SQL, with positional <c>?</c> for <see cref="ExecutionParameters"/>.</summary>
    public required string QueryString { get; init; }

    /// <summary>Idempotency token (32–128 chars); <see cref="AthenaClient"/> fills a fresh one when null.</summary>
    public string? ClientRequestToken { get; init; }

    /// <summary>Default database and catalog.</summary>
    public QueryExecutionContext? QueryExecutionContext { get; init; }

    /// <summary>Where results go (unless the workgroup enforces its own).</summary>
    public ResultConfiguration? ResultConfiguration { get; init; }

    /// <summary>The workgroup (default <c>primary</c> on the service side).</summary>
    public string? WorkGroup { get; init; }

    /// <summary>Values for the <c>?</c> placeholders, in order, as SQL literal text (<c>'abc'</c>, <c>42</c>).</summary>
    public IReadOnlyList<string>? ExecutionParameters { get; init; }

    /// <summary>Reuse of an earlier identical query's results.</summary>
    public ResultReuseConfiguration? ResultReuseConfiguration { get; init; }
}

/// <summary>Output of <c>StartQueryExecution</c>.</summary>
public sealed record StartQueryExecutionResponse
{
    /// <summary>The new query's id.</summary>
    public string? QueryExecutionId { get; init; }
}

/// <summary>Database and catalog a query runs in.</summary>
public sealed record QueryExecutionContext
{
    /// <summary>The database.</summary>
    public string? Database { get; init; }

    /// <summary>The data catalog (<c>AwsDataCatalog</c>).</summary>
    public string? Catalog { get; init; }
}

/// <summary>Where and how query results are written.</summary>
public sealed record ResultConfiguration
{
    /// <summary><c>s3://bucket/prefix/</c> for the result files.</summary>
    public string? OutputLocation { get; init; }

    /// <summary>Encryption of the result files.</summary>
    public EncryptionConfiguration? EncryptionConfiguration { get; init; }

    /// <summary>The account expected to own the output bucket.</summary>
    public string? ExpectedBucketOwner { get; init; }

    /// <summary>The ACL the result files get.</summary>
    public AclConfiguration? AclConfiguration { get; init; }
}

/// <summary>Encryption of results.</summary>
public sealed record EncryptionConfiguration
{
    /// <summary><c>SSE_S3</c>, <c>SSE_KMS</c> or <c>CSE_KMS</c>.</summary>
    public required string EncryptionOption { get; init; }

    /// <summary>The KMS key for the KMS options.</summary>
    public string? KmsKey { get; init; }
}

/// <summary>S3 ACL of result files.</summary>
public sealed record AclConfiguration
{
    /// <summary><c>BUCKET_OWNER_FULL_CONTROL</c>.</summary>
    public required string S3AclOption { get; init; }
}

/// <summary>Result reuse settings.</summary>
public sealed record ResultReuseConfiguration
{
    /// <summary>Reuse by the age of the earlier result.</summary>
    public ResultReuseByAgeConfiguration? ResultReuseByAgeConfiguration { get; init; }
}

/// <summary>Reuse a result no older than <see cref="MaxAgeInMinutes"/>.</summary>
public sealed record ResultReuseByAgeConfiguration
{
    /// <summary>Whether reuse is on.</summary>
    public required bool Enabled { get; init; }

    /// <summary>0–10080 minutes (service default 60).</summary>
    public int? MaxAgeInMinutes { get; init; }
}

/// <summary>Input of <c>GetQueryExecution</c>.</summary>
public sealed record GetQueryExecutionRequest
{
    /// <summary>The query's id.</summary>
    public required string QueryExecutionId { get; init; }
}

/// <summary>Output of <c>GetQueryExecution</c>.</summary>
public sealed record GetQueryExecutionResponse
{
    /// <summary>The query.</summary>
    public QueryExecution? QueryExecution { get; init; }
}

/// <summary>One query execution: its SQL, state, statistics and result location.</summary>
public sealed record QueryExecution
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
public sealed record ManagedQueryResultsConfiguration
{
    /// <summary>Whether managed results are on.</summary>
    public bool? Enabled { get; init; }

    /// <summary>Encryption of managed results.</summary>
    public ManagedQueryResultsEncryptionConfiguration? EncryptionConfiguration { get; init; }
}

/// <summary>KMS key of managed results.</summary>
public sealed record ManagedQueryResultsEncryptionConfiguration
{
    /// <summary>The key.</summary>
    public string? KmsKey { get; init; }
}

/// <summary>State and timing of a query.</summary>
public sealed record QueryExecutionStatus
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
public sealed record AthenaError
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
public sealed record QueryExecutionStatistics
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
public sealed record ResultReuseInformation
{
    /// <summary>True when the result came from an earlier run.</summary>
    public required bool ReusedPreviousResult { get; init; }
}

/// <summary>Engine version of a query.</summary>
public sealed record EngineVersion
{
    /// <summary>As selected.</summary>
    public string? SelectedEngineVersion { get; init; }

    /// <summary>As used.</summary>
    public string? EffectiveEngineVersion { get; init; }
}

/// <summary>Input of <c>GetQueryResults</c> (one page).</summary>
public sealed record GetQueryResultsRequest
{
    /// <summary>The query's id.</summary>
    public required string QueryExecutionId { get; init; }

    /// <summary>The token from the previous page.</summary>
    public string? NextToken { get; init; }

    /// <summary>Rows per page, 1–1000.</summary>
    public int? MaxResults { get; init; }

    /// <summary><c>DATA_ROWS</c> (default) or <c>DATA_MANIFEST</c>.</summary>
    public string? QueryResultType { get; init; }
}

/// <summary>Output of <c>GetQueryResults</c> (one page).</summary>
public sealed record GetQueryResultsResponse
{
    /// <summary>Rows changed by an INSERT/CTAS.</summary>
    public long? UpdateCount { get; init; }

    /// <summary>Rows and column metadata.</summary>
    public ResultSet? ResultSet { get; init; }

    /// <summary>Present when there is another page.</summary>
    public string? NextToken { get; init; }
}

/// <summary>Rows of a result page.</summary>
public sealed record ResultSet
{
    /// <summary>The rows (on a DML query's first page, row 0 is the column names).</summary>
    public IReadOnlyList<Row>? Rows { get; init; }

    /// <summary>Column metadata.</summary>
    public ResultSetMetadata? ResultSetMetadata { get; init; }
}

/// <summary>One row.</summary>
public sealed record Row
{
    /// <summary>The cells.</summary>
    public IReadOnlyList<Datum>? Data { get; init; }
}

/// <summary>One cell: absent <see cref="VarCharValue"/> is SQL NULL.</summary>
public sealed record Datum
{
    /// <summary>The value as text.</summary>
    public string? VarCharValue { get; init; }
}

/// <summary>Column metadata.</summary>
public sealed record ResultSetMetadata
{
    /// <summary>One per column.</summary>
    public IReadOnlyList<ColumnInfo>? ColumnInfo { get; init; }
}

/// <summary>A result column.</summary>
public sealed record ColumnInfo
{
    /// <summary>The name.</summary>
    public required string Name { get; init; }

    /// <summary>The SQL type (<c>varchar</c>, <c>integer</c>, <c>double</c>, …).</summary>
    public required string Type { get; init; }

    /// <summary>Catalog.</summary>
    public string? CatalogName { get; init; }

    /// <summary>Schema.</summary>
    public string? SchemaName { get; init; }

    /// <summary>Table.</summary>
    public string? TableName { get; init; }

    /// <summary>Label.</summary>
    public string? Label { get; init; }

    /// <summary>Precision.</summary>
    public int? Precision { get; init; }

    /// <summary>Scale.</summary>
    public int? Scale { get; init; }

    /// <summary><c>NOT_NULL</c>, <c>NULLABLE</c> or <c>UNKNOWN</c>.</summary>
    public string? Nullable { get; init; }

    /// <summary>Case sensitivity.</summary>
    public bool? CaseSensitive { get; init; }
}

/// <summary>Input of <c>StopQueryExecution</c>.</summary>
public sealed record StopQueryExecutionRequest
{
    /// <summary>The query's id.</summary>
    public required string QueryExecutionId { get; init; }
}

/// <summary>Output of <c>StopQueryExecution</c> (empty).</summary>
public sealed record StopQueryExecutionResponse;

/// <summary>Values of <see cref="QueryExecutionStatus.State"/>.</summary>
public static class AthenaQueryState
{
    /// <summary>Waiting to run.</summary>
    public const string Queued = "QUEUED";

    /// <summary>Running.</summary>
    public const string Running = "RUNNING";

    /// <summary>Done; results are readable.</summary>
    public const string Succeeded = "SUCCEEDED";

    /// <summary>Failed; see the status's reason and error.</summary>
    public const string Failed = "FAILED";

    /// <summary>Stopped by a user.</summary>
    public const string Cancelled = "CANCELLED";

    /// <summary>True for the three final states.</summary>
    public static bool IsFinal(string? state) => state is Succeeded or Failed or Cancelled;
}

/// <summary>Values of <see cref="QueryExecution.StatementType"/>.</summary>
public static class AthenaStatementType
{
    /// <summary>Data definition (CREATE, DROP, …).</summary>
    public const string Ddl = "DDL";

    /// <summary>Data manipulation (SELECT, INSERT, CTAS, UNLOAD).</summary>
    public const string Dml = "DML";

    /// <summary>SHOW, DESCRIBE, EXPLAIN, ….</summary>
    public const string Utility = "UTILITY";
}
