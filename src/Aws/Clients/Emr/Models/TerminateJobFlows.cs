// TerminateJobFlows: ask clusters to terminate.
// Members are named and ordered as the EMR service model (API 2009-03-31) has them: required first, then model order.
namespace OneOff.Aws.Clients.Emr.Models;

/// <summary>Input of <c>TerminateJobFlows</c>.</summary>
internal sealed record TerminateJobFlowsRequest
{
    /// <summary>Clusters to terminate (at most 10).</summary>
    public required IReadOnlyList<string> JobFlowIds { get; init; }
}

/// <summary>Output of <c>TerminateJobFlows</c> (empty).</summary>
internal sealed record TerminateJobFlowsResponse;
