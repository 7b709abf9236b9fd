// The instances part of RunJobFlow: uniform groups or fleets, their volumes and placement.
// Members are named and ordered as the EMR service model (API 2009-03-31) has them: required first, then model order.
namespace OneOff.Aws.Clients.Emr.Models;

/// <summary>Instances of a cluster: uniform groups or fleets (not both).</summary>
internal sealed record JobFlowInstancesConfig
{
    /// <summary>Legacy single-type master.</summary>
    public string? MasterInstanceType { get; init; }

    /// <summary>Legacy single-type core.</summary>
    public string? SlaveInstanceType { get; init; }

    /// <summary>Legacy instance count.</summary>
    public int? InstanceCount { get; init; }

    /// <summary>Uniform instance groups.</summary>
    public IReadOnlyList<InstanceGroupConfig>? InstanceGroups { get; init; }

    /// <summary>Instance fleets.</summary>
    public IReadOnlyList<InstanceFleetConfig>? InstanceFleets { get; init; }

    /// <summary>EC2 key pair for SSH.</summary>
    public string? Ec2KeyName { get; init; }

    /// <summary>Availability zone(s).</summary>
    public PlacementType? Placement { get; init; }

    /// <summary>False: terminate when the last step ends.</summary>
    public bool? KeepJobFlowAliveWhenNoSteps { get; init; }

    /// <summary>Blocks termination when true.</summary>
    public bool? TerminationProtected { get; init; }

    /// <summary>Replace unhealthy core nodes.</summary>
    public bool? UnhealthyNodeReplacement { get; init; }

    /// <summary>Subnet for groups.</summary>
    public string? Ec2SubnetId { get; init; }

    /// <summary>Subnets for fleets.</summary>
    public IReadOnlyList<string>? Ec2SubnetIds { get; init; }

    /// <summary>Master security group.</summary>
    public string? EmrManagedMasterSecurityGroup { get; init; }

    /// <summary>Core/task security group.</summary>
    public string? EmrManagedSlaveSecurityGroup { get; init; }

    /// <summary>Service access security group.</summary>
    public string? ServiceAccessSecurityGroup { get; init; }

    /// <summary>Extra master groups.</summary>
    public IReadOnlyList<string>? AdditionalMasterSecurityGroups { get; init; }

    /// <summary>Extra core/task groups.</summary>
    public IReadOnlyList<string>? AdditionalSlaveSecurityGroups { get; init; }
}

/// <summary>One uniform instance group.</summary>
internal sealed record InstanceGroupConfig
{
    /// <summary><c>MASTER</c>, <c>CORE</c> or <c>TASK</c>.</summary>
    public required string InstanceRole { get; init; }

    /// <summary>EC2 type, e.g. <c>m5.xlarge</c>.</summary>
    public required string InstanceType { get; init; }

    /// <summary>How many.</summary>
    public required int InstanceCount { get; init; }

    /// <summary>Group name.</summary>
    public string? Name { get; init; }

    /// <summary><c>ON_DEMAND</c> or <c>SPOT</c>.</summary>
    public string? Market { get; init; }

    /// <summary>Spot bid in USD.</summary>
    public string? BidPrice { get; init; }

    /// <summary>Group-level configurations.</summary>
    public IReadOnlyList<Configuration>? Configurations { get; init; }

    /// <summary>EBS volumes.</summary>
    public EbsConfiguration? EbsConfiguration { get; init; }

    /// <summary>Custom AMI.</summary>
    public string? CustomAmiId { get; init; }
}

/// <summary>One instance fleet.</summary>
internal sealed record InstanceFleetConfig
{
    /// <summary><c>MASTER</c>, <c>CORE</c> or <c>TASK</c>.</summary>
    public required string InstanceFleetType { get; init; }

    /// <summary>Fleet name.</summary>
    public string? Name { get; init; }

    /// <summary>On-demand units.</summary>
    public int? TargetOnDemandCapacity { get; init; }

    /// <summary>Spot units.</summary>
    public int? TargetSpotCapacity { get; init; }

    /// <summary>Candidate instance types.</summary>
    public IReadOnlyList<InstanceTypeConfig>? InstanceTypeConfigs { get; init; }

    /// <summary>Spot/on-demand provisioning.</summary>
    public InstanceFleetProvisioningSpecifications? LaunchSpecifications { get; init; }

    /// <summary>Reserved.</summary>
    public string? Context { get; init; }
}

/// <summary>A candidate instance type of a fleet.</summary>
internal sealed record InstanceTypeConfig
{
    /// <summary>EC2 type.</summary>
    public required string InstanceType { get; init; }

    /// <summary>Units one instance counts for.</summary>
    public int? WeightedCapacity { get; init; }

    /// <summary>Spot bid in USD.</summary>
    public string? BidPrice { get; init; }

    /// <summary>Spot bid as % of on-demand.</summary>
    public double? BidPriceAsPercentageOfOnDemandPrice { get; init; }

    /// <summary>EBS volumes.</summary>
    public EbsConfiguration? EbsConfiguration { get; init; }

    /// <summary>Configurations.</summary>
    public IReadOnlyList<Configuration>? Configurations { get; init; }

    /// <summary>Custom AMI.</summary>
    public string? CustomAmiId { get; init; }

    /// <summary>Priority for prioritized allocation.</summary>
    public double? Priority { get; init; }
}

/// <summary>How a fleet is provisioned.</summary>
internal sealed record InstanceFleetProvisioningSpecifications
{
    /// <summary>Spot.</summary>
    public SpotProvisioningSpecification? SpotSpecification { get; init; }

    /// <summary>On-demand.</summary>
    public OnDemandProvisioningSpecification? OnDemandSpecification { get; init; }
}

/// <summary>Spot provisioning.</summary>
internal sealed record SpotProvisioningSpecification
{
    /// <summary>Minutes to wait for spot capacity.</summary>
    public required int TimeoutDurationMinutes { get; init; }

    /// <summary><c>SWITCH_TO_ON_DEMAND</c> or <c>TERMINATE_CLUSTER</c>.</summary>
    public required string TimeoutAction { get; init; }

    /// <summary>Defined duration.</summary>
    public int? BlockDurationMinutes { get; init; }

    /// <summary>e.g. <c>price-capacity-optimized</c>.</summary>
    public string? AllocationStrategy { get; init; }
}

/// <summary>On-demand provisioning.</summary>
internal sealed record OnDemandProvisioningSpecification
{
    /// <summary><c>lowest-price</c> or <c>prioritized</c>.</summary>
    public required string AllocationStrategy { get; init; }

    /// <summary>Capacity reservations.</summary>
    public OnDemandCapacityReservationOptions? CapacityReservationOptions { get; init; }
}

/// <summary>Use of capacity reservations.</summary>
internal sealed record OnDemandCapacityReservationOptions
{
    /// <summary><c>use-capacity-reservations-first</c>.</summary>
    public string? UsageStrategy { get; init; }

    /// <summary><c>open</c> or <c>none</c>.</summary>
    public string? CapacityReservationPreference { get; init; }

    /// <summary>Resource group of reservations.</summary>
    public string? CapacityReservationResourceGroupArn { get; init; }
}

/// <summary>EBS volumes of an instance.</summary>
internal sealed record EbsConfiguration
{
    /// <summary>Volumes.</summary>
    public IReadOnlyList<EbsBlockDeviceConfig>? EbsBlockDeviceConfigs { get; init; }

    /// <summary>EBS-optimised.</summary>
    public bool? EbsOptimized { get; init; }
}

/// <summary>A set of identical volumes.</summary>
internal sealed record EbsBlockDeviceConfig
{
    /// <summary>The volume.</summary>
    public required VolumeSpecification VolumeSpecification { get; init; }

    /// <summary>How many per instance.</summary>
    public int? VolumesPerInstance { get; init; }
}

/// <summary>One EBS volume.</summary>
internal sealed record VolumeSpecification
{
    /// <summary><c>gp3</c>, <c>gp2</c>, <c>io1</c>, …</summary>
    public required string VolumeType { get; init; }

    /// <summary>Size.</summary>
    public required int SizeInGB { get; init; }

    /// <summary>IOPS.</summary>
    public int? Iops { get; init; }

    /// <summary>Throughput MiB/s.</summary>
    public int? Throughput { get; init; }
}

/// <summary>Where instances go.</summary>
internal sealed record PlacementType
{
    /// <summary>One zone.</summary>
    public string? AvailabilityZone { get; init; }

    /// <summary>Zones (fleets).</summary>
    public IReadOnlyList<string>? AvailabilityZones { get; init; }
}
