// ListInstances: one page of a cluster's EC2 instances (their types, states and timelines: the cost after a run).
// Members are named and ordered as the EMR service model (API 2009-03-31) has them: required first, then model order.
namespace OneOff.Aws.Clients.Emr.Models;

/// <summary>Input of <c>ListInstances</c> (one page).</summary>
internal sealed record ListInstancesRequest
{
    /// <summary>The cluster.</summary>
    public required string ClusterId { get; init; }

    /// <summary>One instance group.</summary>
    public string? InstanceGroupId { get; init; }

    /// <summary>Filter by group type: <c>MASTER</c>, <c>CORE</c>, <c>TASK</c>.</summary>
    public IReadOnlyList<string>? InstanceGroupTypes { get; init; }

    /// <summary>One instance fleet.</summary>
    public string? InstanceFleetId { get; init; }

    /// <summary>Filter by fleet type: <c>MASTER</c>, <c>CORE</c>, <c>TASK</c>.</summary>
    public string? InstanceFleetType { get; init; }

    /// <summary>Filter by state: <c>AWAITING_FULFILLMENT</c>, <c>PROVISIONING</c>, <c>BOOTSTRAPPING</c>, <c>RUNNING</c>, <c>TERMINATED</c>.</summary>
    public IReadOnlyList<string>? InstanceStates { get; init; }

    /// <summary>From the previous page.</summary>
    public string? Marker { get; init; }
}

/// <summary>Output of <c>ListInstances</c> (one page).</summary>
internal sealed record ListInstancesResponse
{
    /// <summary>Instances.</summary>
    public IReadOnlyList<Instance>? Instances { get; init; }

    /// <summary>Present when there is another page.</summary>
    public string? Marker { get; init; }
}

/// <summary>An EC2 instance of a cluster.</summary>
internal sealed record Instance
{
    /// <summary>EMR's id of the instance (<c>ci-…</c>).</summary>
    public string? Id { get; init; }

    /// <summary>The EC2 instance id (<c>i-…</c>): the folder of its bootstrap logs.</summary>
    public string? Ec2InstanceId { get; init; }

    /// <summary>Public DNS name.</summary>
    public string? PublicDnsName { get; init; }

    /// <summary>Public IP address.</summary>
    public string? PublicIpAddress { get; init; }

    /// <summary>Private DNS name.</summary>
    public string? PrivateDnsName { get; init; }

    /// <summary>Private IP address.</summary>
    public string? PrivateIpAddress { get; init; }

    /// <summary>State, reason, timeline.</summary>
    public InstanceStatus? Status { get; init; }

    /// <summary>Its instance group.</summary>
    public string? InstanceGroupId { get; init; }

    /// <summary>Its instance fleet.</summary>
    public string? InstanceFleetId { get; init; }

    /// <summary><c>ON_DEMAND</c> or <c>SPOT</c>.</summary>
    public string? Market { get; init; }

    /// <summary>EC2 type, e.g. <c>m7g.xlarge</c>.</summary>
    public string? InstanceType { get; init; }

    /// <summary>Attached EBS volumes.</summary>
    public IReadOnlyList<EbsVolume>? EbsVolumes { get; init; }
}

/// <summary>An instance's state.</summary>
internal sealed record InstanceStatus
{
    /// <summary>e.g. <c>RUNNING</c>, <c>TERMINATED</c>.</summary>
    public string? State { get; init; }

    /// <summary>Why.</summary>
    public InstanceStateChangeReason? StateChangeReason { get; init; }

    /// <summary>When.</summary>
    public InstanceTimeline? Timeline { get; init; }
}

/// <summary>Why an instance's state changed.</summary>
internal sealed record InstanceStateChangeReason
{
    /// <summary>e.g. <c>BOOTSTRAP_FAILURE</c>, <c>CLUSTER_TERMINATED</c>.</summary>
    public string? Code { get; init; }

    /// <summary>Message.</summary>
    public string? Message { get; init; }
}

/// <summary>Instance times.</summary>
internal sealed record InstanceTimeline
{
    /// <summary>Created.</summary>
    public DateTimeOffset? CreationDateTime { get; init; }

    /// <summary>Ready.</summary>
    public DateTimeOffset? ReadyDateTime { get; init; }

    /// <summary>Ended.</summary>
    public DateTimeOffset? EndDateTime { get; init; }
}

/// <summary>An EBS volume of an instance.</summary>
internal sealed record EbsVolume
{
    /// <summary>Device name.</summary>
    public string? Device { get; init; }

    /// <summary>Volume id.</summary>
    public string? VolumeId { get; init; }
}
