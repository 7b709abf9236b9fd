// ListSteps: one page of a cluster's steps.
// Members are named and ordered as the EMR service model (API 2009-03-31) has them: required first, then model order.
namespace OneOff.Aws.Clients.Emr.Models;

/// <summary>Input of <c>ListSteps</c> (one page).</summary>
internal sealed record ListStepsRequest
{
    /// <summary>The cluster.</summary>
    public required string ClusterId { get; init; }

    /// <summary>Filter by state.</summary>
    public IReadOnlyList<string>? StepStates { get; init; }

    /// <summary>Filter by id (at most 10).</summary>
    public IReadOnlyList<string>? StepIds { get; init; }

    /// <summary>From the previous page.</summary>
    public string? Marker { get; init; }
}

/// <summary>Output of <c>ListSteps</c> (one page, newest first).</summary>
internal sealed record ListStepsResponse
{
    /// <summary>Steps.</summary>
    public IReadOnlyList<StepSummary>? Steps { get; init; }

    /// <summary>Present when there is another page.</summary>
    public string? Marker { get; init; }
}

/// <summary>A step as listed.</summary>
internal sealed record StepSummary
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

    /// <summary>Log location.</summary>
    public string? LogUri { get; init; }

    /// <summary>Log key.</summary>
    public string? EncryptionKeyArn { get; init; }
}
