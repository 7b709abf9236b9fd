// GetQueryResults: one page of a query's results.
// Members are named and ordered as the Athena service model (API 2017-05-18) has them: required first, then model order.
namespace OneOff.Aws.Clients.Athena.Models;

/// <summary>Input of <c>GetQueryResults</c> (one page).</summary>
internal sealed record GetQueryResultsRequest
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
internal sealed record GetQueryResultsResponse
{
    /// <summary>Rows changed by an INSERT/CTAS.</summary>
    public long? UpdateCount { get; init; }

    /// <summary>Rows and column metadata.</summary>
    public ResultSet? ResultSet { get; init; }

    /// <summary>Present when there is another page.</summary>
    public string? NextToken { get; init; }
}

/// <summary>Rows of a result page.</summary>
internal sealed record ResultSet
{
    /// <summary>The rows (on a DML query's first page, row 0 is the column names).</summary>
    public IReadOnlyList<Row>? Rows { get; init; }

    /// <summary>Column metadata.</summary>
    public ResultSetMetadata? ResultSetMetadata { get; init; }
}

/// <summary>One row.</summary>
internal sealed record Row
{
    /// <summary>The cells.</summary>
    public IReadOnlyList<Datum>? Data { get; init; }
}

/// <summary>One cell: absent <see cref="VarCharValue"/> is SQL NULL.</summary>
internal sealed record Datum
{
    /// <summary>The value as text.</summary>
    public string? VarCharValue { get; init; }
}

/// <summary>Column metadata.</summary>
internal sealed record ResultSetMetadata
{
    /// <summary>One per column.</summary>
    public IReadOnlyList<ColumnInfo>? ColumnInfo { get; init; }
}

/// <summary>A result column.</summary>
internal sealed record ColumnInfo
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
