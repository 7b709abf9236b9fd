// A step's state, as ListSteps and DescribeStep return it.
// Members are named and ordered as the EMR service model (API 2009-03-31) has them: required first, then model order.
namespace OneOff.Aws.Clients.Emr.Models;

/// <summary>A step's state.</summary>
internal sealed record StepStatus
{
    /// <summary>See <see cref="EmrStepState"/>.</summary>
    public string? State { get; init; }

    /// <summary>Why.</summary>
    public StepStateChangeReason? StateChangeReason { get; init; }

    /// <summary>Why it failed, and its log file.</summary>
    public FailureDetails? FailureDetails { get; init; }

    /// <summary>When.</summary>
    public StepTimeline? Timeline { get; init; }
}

/// <summary>Why a step's state changed.</summary>
internal sealed record StepStateChangeReason
{
    /// <summary>Code.</summary>
    public string? Code { get; init; }

    /// <summary>Message.</summary>
    public string? Message { get; init; }
}

/// <summary>Why a step failed.</summary>
internal sealed record FailureDetails
{
    /// <summary>Reason (may be <c>Unknown Error</c>).</summary>
    public string? Reason { get; init; }

    /// <summary>Message.</summary>
    public string? Message { get; init; }

    /// <summary>The log file with the cause.</summary>
    public string? LogFile { get; init; }
}

/// <summary>Step times.</summary>
internal sealed record StepTimeline
{
    /// <summary>Created.</summary>
    public DateTimeOffset? CreationDateTime { get; init; }

    /// <summary>Started.</summary>
    public DateTimeOffset? StartDateTime { get; init; }

    /// <summary>Ended.</summary>
    public DateTimeOffset? EndDateTime { get; init; }
}
