// StartQueryExecution: run a query.
// Members are named and ordered as the Athena service model (API 2017-05-18) has them: required first, then model order.
namespace OneOff.Aws.Clients.Athena.Models;

/// <summary>Input of <c>StartQueryExecution</c>.</summary>
internal sealed record StartQueryExecutionRequest
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
internal sealed record StartQueryExecutionResponse
{
    /// <summary>The new query's id.</summary>
    public string? QueryExecutionId { get; init; }
}
