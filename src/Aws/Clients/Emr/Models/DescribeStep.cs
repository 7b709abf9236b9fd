// DescribeStep: one step, described.
// Members are named and ordered as the EMR service model (API 2009-03-31) has them: required first, then model order.
namespace OneOff.Aws.Clients.Emr.Models;

/// <summary>Input of <c>DescribeStep</c>.</summary>
internal sealed record DescribeStepRequest
{
    /// <summary>The cluster.</summary>
    public required string ClusterId { get; init; }

    /// <summary>The step.</summary>
    public required string StepId { get; init; }
}

/// <summary>Output of <c>DescribeStep</c>.</summary>
internal sealed record DescribeStepResponse
{
    /// <summary>The step.</summary>
    public Step? Step { get; init; }
}

/// <summary>A step as described.</summary>
internal sealed record Step
{
    /// <summary>Id.</summary>
    public string? Id { get; init; }

    /// <summary>Name.</summary>
    public string? Name { get; init; }

    /// <summary>What it runs.</summary>
    public HadoopStepConfig? Config { get; init; }

    /// <summary>On failure.</summary>
    public string? ActionOnFailure { get; init; }

    /// <summary>State.</summary>
    public StepStatus? Status { get; init; }

    /// <summary>Runtime role.</summary>
    public string? ExecutionRoleArn { get; init; }

    /// <summary>Log location.</summary>
    public string? LogUri { get; init; }

    /// <summary>Log key.</summary>
    public string? EncryptionKeyArn { get; init; }
}
