// StopQueryExecution: stop a running query.
// Members are named and ordered as the Athena service model (API 2017-05-18) has them: required first, then model order.
namespace OneOff.Aws.Clients.Athena.Models;

/// <summary>Input of <c>StopQueryExecution</c>.</summary>
internal sealed record StopQueryExecutionRequest
{
    /// <summary>The query's id.</summary>
    public required string QueryExecutionId { get; init; }
}

/// <summary>Output of <c>StopQueryExecution</c> (empty).</summary>
internal sealed record StopQueryExecutionResponse;
