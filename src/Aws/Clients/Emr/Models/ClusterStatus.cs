// A cluster's state, as DescribeCluster and ListClusters return it.
// Members are named and ordered as the EMR service model (API 2009-03-31) has them: required first, then model order.
namespace OneOff.Aws.Clients.Emr.Models;

/// <summary>A cluster's state.</summary>
internal sealed record ClusterStatus
{
    /// <summary>See <see cref="EmrClusterState"/>.</summary>
    public string? State { get; init; }

    /// <summary>Why.</summary>
    public ClusterStateChangeReason? StateChangeReason { get; init; }

    /// <summary>When.</summary>
    public ClusterTimeline? Timeline { get; init; }

    /// <summary>Errors of a failed cluster.</summary>
    public IReadOnlyList<ErrorDetail>? ErrorDetails { get; init; }
}

/// <summary>Why a cluster's state changed.</summary>
internal sealed record ClusterStateChangeReason
{
    /// <summary>e.g. <c>ALL_STEPS_COMPLETED</c>, <c>STEP_FAILURE</c>.</summary>
    public string? Code { get; init; }

    /// <summary>Message.</summary>
    public string? Message { get; init; }
}

/// <summary>Cluster times.</summary>
internal sealed record ClusterTimeline
{
    /// <summary>Created.</summary>
    public DateTimeOffset? CreationDateTime { get; init; }

    /// <summary>Ready.</summary>
    public DateTimeOffset? ReadyDateTime { get; init; }

    /// <summary>Ended.</summary>
    public DateTimeOffset? EndDateTime { get; init; }
}

/// <summary>An error of a cluster.</summary>
internal sealed record ErrorDetail
{
    /// <summary>Code.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Data.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>>? ErrorData { get; init; }

    /// <summary>Message.</summary>
    public string? ErrorMessage { get; init; }
}
