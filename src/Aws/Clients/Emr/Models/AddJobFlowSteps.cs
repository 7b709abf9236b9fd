// AddJobFlowSteps: add steps to a running cluster.
// Members are named and ordered as the EMR service model (API 2009-03-31) has them: required first, then model order.
namespace OneOff.Aws.Clients.Emr.Models;

/// <summary>Input of <c>AddJobFlowSteps</c>.</summary>
internal sealed record AddJobFlowStepsRequest
{
    /// <summary>The cluster.</summary>
    public required string JobFlowId { get; init; }

    /// <summary>Steps to add.</summary>
    public required IReadOnlyList<StepConfig> Steps { get; init; }

    /// <summary>Runtime role.</summary>
    public string? ExecutionRoleArn { get; init; }
}

/// <summary>Output of <c>AddJobFlowSteps</c>.</summary>
internal sealed record AddJobFlowStepsResponse
{
    /// <summary>Ids of the added steps, in order.</summary>
    public IReadOnlyList<string>? StepIds { get; init; }
}
