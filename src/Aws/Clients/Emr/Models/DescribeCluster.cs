// DescribeCluster: one cluster, described.
// Members are named and ordered as the EMR service model (API 2009-03-31) has them: required first, then model order.
namespace OneOff.Aws.Clients.Emr.Models;

/// <summary>Input of <c>DescribeCluster</c>.</summary>
internal sealed record DescribeClusterRequest
{
    /// <summary>The cluster id.</summary>
    public required string ClusterId { get; init; }
}

/// <summary>Output of <c>DescribeCluster</c>.</summary>
internal sealed record DescribeClusterResponse
{
    /// <summary>The cluster.</summary>
    public Cluster? Cluster { get; init; }
}

/// <summary>A cluster as described.</summary>
internal sealed record Cluster
{
    /// <summary>Id.</summary>
    public string? Id { get; init; }

    /// <summary>Name.</summary>
    public string? Name { get; init; }

    /// <summary>State, reason, timeline.</summary>
    public ClusterStatus? Status { get; init; }

    /// <summary>EC2 settings.</summary>
    public Ec2InstanceAttributes? Ec2InstanceAttributes { get; init; }

    /// <summary><c>INSTANCE_GROUP</c> or <c>INSTANCE_FLEET</c>.</summary>
    public string? InstanceCollectionType { get; init; }

    /// <summary>Log location.</summary>
    public string? LogUri { get; init; }

    /// <summary>Log key.</summary>
    public string? LogEncryptionKmsKeyId { get; init; }

    /// <summary>Legacy AMI version.</summary>
    public string? RequestedAmiVersion { get; init; }

    /// <summary>Legacy AMI version.</summary>
    public string? RunningAmiVersion { get; init; }

    /// <summary>Release.</summary>
    public string? ReleaseLabel { get; init; }

    /// <summary>Terminates after its steps.</summary>
    public bool? AutoTerminate { get; init; }

    /// <summary>Protected.</summary>
    public bool? TerminationProtected { get; init; }

    /// <summary>Node replacement.</summary>
    public bool? UnhealthyNodeReplacement { get; init; }

    /// <summary>Always true.</summary>
    public bool? VisibleToAllUsers { get; init; }

    /// <summary>Applications.</summary>
    public IReadOnlyList<Application>? Applications { get; init; }

    /// <summary>Tags.</summary>
    public IReadOnlyList<Tag>? Tags { get; init; }

    /// <summary>Service role.</summary>
    public string? ServiceRole { get; init; }

    /// <summary>Approximate instance hours so far.</summary>
    public int? NormalizedInstanceHours { get; init; }

    /// <summary>Master DNS name.</summary>
    public string? MasterPublicDnsName { get; init; }

    /// <summary>Configurations.</summary>
    public IReadOnlyList<Configuration>? Configurations { get; init; }

    /// <summary>Security configuration.</summary>
    public string? SecurityConfiguration { get; init; }

    /// <summary>Auto-scaling role.</summary>
    public string? AutoScalingRole { get; init; }

    /// <summary>Scale-down behaviour.</summary>
    public string? ScaleDownBehavior { get; init; }

    /// <summary>Custom AMI.</summary>
    public string? CustomAmiId { get; init; }

    /// <summary>Root volume GiB.</summary>
    public int? EbsRootVolumeSize { get; init; }

    /// <summary>Repo upgrades.</summary>
    public string? RepoUpgradeOnBoot { get; init; }

    /// <summary>ARN.</summary>
    public string? ClusterArn { get; init; }

    /// <summary>Outpost.</summary>
    public string? OutpostArn { get; init; }

    /// <summary>Concurrent steps.</summary>
    public int? StepConcurrencyLevel { get; init; }

    /// <summary>OS release.</summary>
    public string? OSReleaseLabel { get; init; }

    /// <summary>Root IOPS.</summary>
    public int? EbsRootVolumeIops { get; init; }

    /// <summary>Root throughput.</summary>
    public int? EbsRootVolumeThroughput { get; init; }

    /// <summary>Extended support.</summary>
    public bool? ExtendedSupport { get; init; }

    /// <summary>Sessions.</summary>
    public bool? SessionEnabled { get; init; }
}

/// <summary>EC2 settings of a cluster.</summary>
internal sealed record Ec2InstanceAttributes
{
    /// <summary>Key pair.</summary>
    public string? Ec2KeyName { get; init; }

    /// <summary>Subnet.</summary>
    public string? Ec2SubnetId { get; init; }

    /// <summary>Requested subnets.</summary>
    public IReadOnlyList<string>? RequestedEc2SubnetIds { get; init; }

    /// <summary>Zone.</summary>
    public string? Ec2AvailabilityZone { get; init; }

    /// <summary>Requested zones.</summary>
    public IReadOnlyList<string>? RequestedEc2AvailabilityZones { get; init; }

    /// <summary>Instance profile.</summary>
    public string? IamInstanceProfile { get; init; }

    /// <summary>Master group.</summary>
    public string? EmrManagedMasterSecurityGroup { get; init; }

    /// <summary>Core/task group.</summary>
    public string? EmrManagedSlaveSecurityGroup { get; init; }

    /// <summary>Service group.</summary>
    public string? ServiceAccessSecurityGroup { get; init; }

    /// <summary>Extra master groups.</summary>
    public IReadOnlyList<string>? AdditionalMasterSecurityGroups { get; init; }

    /// <summary>Extra core/task groups.</summary>
    public IReadOnlyList<string>? AdditionalSlaveSecurityGroups { get; init; }
}
