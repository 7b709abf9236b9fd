// Request and response shapes of Amazon EMR (API 2009-03-31),
// members named and ordered as the service model (and so the AWS SDK for JavaScript v3) has them: required members
// first, then the rest in model order. Only the members OneOff uses or reads back are declared.
namespace OneOff.Aws.Clients.Emr;

/// <summary>Input of <c>RunJobFlow</c>: a cluster and what it runs.</summary>
public sealed record RunJobFlowRequest
{
    /// <summary>The cluster's name.</summary>
    public required string Name { get; init; }

    /// <summary>Instances: groups or fleets, network, keep-alive.</summary>
    public required JobFlowInstancesConfig Instances { get; init; }

    /// <summary><c>s3://…/</c> for cluster logs.</summary>
    public string? LogUri { get; init; }

    /// <summary>KMS key for the logs.</summary>
    public string? LogEncryptionKmsKeyId { get; init; }

    /// <summary>JSON string of extra settings.</summary>
    public string? AdditionalInfo { get; init; }

    /// <summary>e.g. <c>emr-7.13.0</c>.</summary>
    public string? ReleaseLabel { get; init; }

    /// <summary>Steps run in order.</summary>
    public IReadOnlyList<StepConfig>? Steps { get; init; }

    /// <summary>Runtime role for steps.</summary>
    public string? StepExecutionRoleArn { get; init; }

    /// <summary>Scripts run on every node before applications install.</summary>
    public IReadOnlyList<BootstrapActionConfig>? BootstrapActions { get; init; }

    /// <summary>Applications such as Spark.</summary>
    public IReadOnlyList<Application>? Applications { get; init; }

    /// <summary>Application configuration classifications.</summary>
    public IReadOnlyList<Configuration>? Configurations { get; init; }

    /// <summary>Ignored by EMR (always true); sent when set.</summary>
    public bool? VisibleToAllUsers { get; init; }

    /// <summary>EC2 instance profile, e.g. <c>EMR_EC2_DefaultRole</c>.</summary>
    public string? JobFlowRole { get; init; }

    /// <summary>Service role, e.g. <c>EMR_DefaultRole</c>.</summary>
    public string? ServiceRole { get; init; }

    /// <summary>Tags on the cluster and its instances.</summary>
    public IReadOnlyList<Tag>? Tags { get; init; }

    /// <summary>Security configuration name.</summary>
    public string? SecurityConfiguration { get; init; }

    /// <summary>Auto-scaling role.</summary>
    public string? AutoScalingRole { get; init; }

    /// <summary><c>TERMINATE_AT_INSTANCE_HOUR</c> or <c>TERMINATE_AT_TASK_COMPLETION</c>.</summary>
    public string? ScaleDownBehavior { get; init; }

    /// <summary>A custom AMI.</summary>
    public string? CustomAmiId { get; init; }

    /// <summary>Root volume GiB.</summary>
    public int? EbsRootVolumeSize { get; init; }

    /// <summary>Steps run at once (1–256).</summary>
    public int? StepConcurrencyLevel { get; init; }

    /// <summary>Idle timeout.</summary>
    public AutoTerminationPolicy? AutoTerminationPolicy { get; init; }

    /// <summary>Amazon Linux release.</summary>
    public string? OSReleaseLabel { get; init; }

    /// <summary>Root volume IOPS.</summary>
    public int? EbsRootVolumeIops { get; init; }

    /// <summary>Root volume throughput.</summary>
    public int? EbsRootVolumeThroughput { get; init; }

    /// <summary>Extended support.</summary>
    public bool? ExtendedSupport { get; init; }
}

/// <summary>Output of <c>RunJobFlow</c>.</summary>
public sealed record RunJobFlowResponse
{
    /// <summary>The cluster id (<c>j-…</c>).</summary>
    public string? JobFlowId { get; init; }

    /// <summary>The cluster ARN.</summary>
    public string? ClusterArn { get; init; }
}

/// <summary>Instances of a cluster: uniform groups or fleets (not both).</summary>
public sealed record JobFlowInstancesConfig
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
public sealed record InstanceGroupConfig
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
public sealed record InstanceFleetConfig
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
public sealed record InstanceTypeConfig
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
public sealed record InstanceFleetProvisioningSpecifications
{
    /// <summary>Spot.</summary>
    public SpotProvisioningSpecification? SpotSpecification { get; init; }

    /// <summary>On-demand.</summary>
    public OnDemandProvisioningSpecification? OnDemandSpecification { get; init; }
}

/// <summary>Spot provisioning.</summary>
public sealed record SpotProvisioningSpecification
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
public sealed record OnDemandProvisioningSpecification
{
    /// <summary><c>lowest-price</c> or <c>prioritized</c>.</summary>
    public required string AllocationStrategy { get; init; }

    /// <summary>Capacity reservations.</summary>
    public OnDemandCapacityReservationOptions? CapacityReservationOptions { get; init; }
}

/// <summary>Use of capacity reservations.</summary>
public sealed record OnDemandCapacityReservationOptions
{
    /// <summary><c>use-capacity-reservations-first</c>.</summary>
    public string? UsageStrategy { get; init; }

    /// <summary><c>open</c> or <c>none</c>.</summary>
    public string? CapacityReservationPreference { get; init; }

    /// <summary>Resource group of reservations.</summary>
    public string? CapacityReservationResourceGroupArn { get; init; }
}

/// <summary>EBS volumes of an instance.</summary>
public sealed record EbsConfiguration
{
    /// <summary>Volumes.</summary>
    public IReadOnlyList<EbsBlockDeviceConfig>? EbsBlockDeviceConfigs { get; init; }

    /// <summary>EBS-optimised.</summary>
    public bool? EbsOptimized { get; init; }
}

/// <summary>A set of identical volumes.</summary>
public sealed record EbsBlockDeviceConfig
{
    /// <summary>The volume.</summary>
    public required VolumeSpecification VolumeSpecification { get; init; }

    /// <summary>How many per instance.</summary>
    public int? VolumesPerInstance { get; init; }
}

/// <summary>One EBS volume.</summary>
public sealed record VolumeSpecification
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
public sealed record PlacementType
{
    /// <summary>One zone.</summary>
    public string? AvailabilityZone { get; init; }

    /// <summary>Zones (fleets).</summary>
    public IReadOnlyList<string>? AvailabilityZones { get; init; }
}

/// <summary>A step to run.</summary>
public sealed record StepConfig
{
    /// <summary>Step name.</summary>
    public required string Name { get; init; }

    /// <summary>What to run.</summary>
    public required HadoopJarStepConfig HadoopJarStep { get; init; }

    /// <summary>See <see cref="EmrActionOnFailure"/>.</summary>
    public string? ActionOnFailure { get; init; }

    /// <summary>Step log location.</summary>
    public StepMonitoringConfiguration? StepMonitoringConfiguration { get; init; }
}

/// <summary>The JAR a step runs (<c>command-runner.jar</c> for spark-submit and scripts).</summary>
public sealed record HadoopJarStepConfig
{
    /// <summary>JAR path.</summary>
    public required string Jar { get; init; }

    /// <summary>Java properties.</summary>
    public IReadOnlyList<KeyValue>? Properties { get; init; }

    /// <summary>Main class.</summary>
    public string? MainClass { get; init; }

    /// <summary>Arguments.</summary>
    public IReadOnlyList<string>? Args { get; init; }
}

/// <summary>A key and value.</summary>
public sealed record KeyValue
{
    /// <summary>Key.</summary>
    public string? Key { get; init; }

    /// <summary>Value.</summary>
    public string? Value { get; init; }
}

/// <summary>Step monitoring.</summary>
public sealed record StepMonitoringConfiguration
{
    /// <summary>S3 logs.</summary>
    public S3MonitoringConfiguration? S3MonitoringConfiguration { get; init; }
}

/// <summary>Step logs in S3.</summary>
public sealed record S3MonitoringConfiguration
{
    /// <summary>Where.</summary>
    public string? LogUri { get; init; }

    /// <summary>KMS key.</summary>
    public string? EncryptionKeyArn { get; init; }
}

/// <summary>A bootstrap action.</summary>
public sealed record BootstrapActionConfig
{
    /// <summary>Name.</summary>
    public required string Name { get; init; }

    /// <summary>The script.</summary>
    public required ScriptBootstrapActionConfig ScriptBootstrapAction { get; init; }
}

/// <summary>A bootstrap script.</summary>
public sealed record ScriptBootstrapActionConfig
{
    /// <summary><c>s3://…</c> of the script.</summary>
    public required string Path { get; init; }

    /// <summary>Arguments.</summary>
    public IReadOnlyList<string>? Args { get; init; }
}

/// <summary>An application on the cluster.</summary>
public sealed record Application
{
    /// <summary>e.g. <c>Spark</c>.</summary>
    public string? Name { get; init; }

    /// <summary>Version (replies).</summary>
    public string? Version { get; init; }

    /// <summary>Arguments.</summary>
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>Extra info.</summary>
    public IReadOnlyDictionary<string, string>? AdditionalInfo { get; init; }
}

/// <summary>A configuration classification (e.g. <c>spark-defaults</c>).</summary>
public sealed record Configuration
{
    /// <summary>Classification.</summary>
    public string? Classification { get; init; }

    /// <summary>Nested (e.g. <c>export</c> under <c>spark-env</c>).</summary>
    public IReadOnlyList<Configuration>? Configurations { get; init; }

    /// <summary>Properties.</summary>
    public IReadOnlyDictionary<string, string>? Properties { get; init; }
}

/// <summary>A tag.</summary>
public sealed record Tag
{
    /// <summary>Key.</summary>
    public string? Key { get; init; }

    /// <summary>Value.</summary>
    public string? Value { get; init; }
}

/// <summary>Terminate an idle cluster.</summary>
public sealed record AutoTerminationPolicy
{
    /// <summary>Idle seconds, 60–604800.</summary>
    public long? IdleTimeout { get; init; }
}

/// <summary>Input of <c>DescribeCluster</c>.</summary>
public sealed record DescribeClusterRequest
{
    /// <summary>The cluster id.</summary>
    public required string ClusterId { get; init; }
}

/// <summary>Output of <c>DescribeCluster</c>.</summary>
public sealed record DescribeClusterResponse
{
    /// <summary>The cluster.</summary>
    public Cluster? Cluster { get; init; }
}

/// <summary>A cluster as described.</summary>
public sealed record Cluster
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

/// <summary>A cluster's state.</summary>
public sealed record ClusterStatus
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
public sealed record ClusterStateChangeReason
{
    /// <summary>e.g. <c>ALL_STEPS_COMPLETED</c>, <c>STEP_FAILURE</c>.</summary>
    public string? Code { get; init; }

    /// <summary>Message.</summary>
    public string? Message { get; init; }
}

/// <summary>Cluster times.</summary>
public sealed record ClusterTimeline
{
    /// <summary>Created.</summary>
    public DateTimeOffset? CreationDateTime { get; init; }

    /// <summary>Ready.</summary>
    public DateTimeOffset? ReadyDateTime { get; init; }

    /// <summary>Ended.</summary>
    public DateTimeOffset? EndDateTime { get; init; }
}

/// <summary>An error of a cluster.</summary>
public sealed record ErrorDetail
{
    /// <summary>Code.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Data.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>>? ErrorData { get; init; }

    /// <summary>Message.</summary>
    public string? ErrorMessage { get; init; }
}

/// <summary>EC2 settings of a cluster.</summary>
public sealed record Ec2InstanceAttributes
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

/// <summary>Input of <c>ListSteps</c> (one page).</summary>
public sealed record ListStepsRequest
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
public sealed record ListStepsResponse
{
    /// <summary>Steps.</summary>
    public IReadOnlyList<StepSummary>? Steps { get; init; }

    /// <summary>Present when there is another page.</summary>
    public string? Marker { get; init; }
}

/// <summary>A step as listed.</summary>
public sealed record StepSummary
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

/// <summary>What a step runs, as described.</summary>
public sealed record HadoopStepConfig
{
    /// <summary>JAR.</summary>
    public string? Jar { get; init; }

    /// <summary>Properties.</summary>
    public IReadOnlyDictionary<string, string>? Properties { get; init; }

    /// <summary>Main class.</summary>
    public string? MainClass { get; init; }

    /// <summary>Arguments.</summary>
    public IReadOnlyList<string>? Args { get; init; }
}

/// <summary>A step's state.</summary>
public sealed record StepStatus
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
public sealed record StepStateChangeReason
{
    /// <summary>Code.</summary>
    public string? Code { get; init; }

    /// <summary>Message.</summary>
    public string? Message { get; init; }
}

/// <summary>Why a step failed.</summary>
public sealed record FailureDetails
{
    /// <summary>Reason (may be <c>Unknown Error</c>).</summary>
    public string? Reason { get; init; }

    /// <summary>Message.</summary>
    public string? Message { get; init; }

    /// <summary>The log file with the cause.</summary>
    public string? LogFile { get; init; }
}

/// <summary>Step times.</summary>
public sealed record StepTimeline
{
    /// <summary>Created.</summary>
    public DateTimeOffset? CreationDateTime { get; init; }

    /// <summary>Started.</summary>
    public DateTimeOffset? StartDateTime { get; init; }

    /// <summary>Ended.</summary>
    public DateTimeOffset? EndDateTime { get; init; }
}

/// <summary>Input of <c>DescribeStep</c>.</summary>
public sealed record DescribeStepRequest
{
    /// <summary>The cluster.</summary>
    public required string ClusterId { get; init; }

    /// <summary>The step.</summary>
    public required string StepId { get; init; }
}

/// <summary>Output of <c>DescribeStep</c>.</summary>
public sealed record DescribeStepResponse
{
    /// <summary>The step.</summary>
    public Step? Step { get; init; }
}

/// <summary>A step as described.</summary>
public sealed record Step
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

/// <summary>Input of <c>AddJobFlowSteps</c>.</summary>
public sealed record AddJobFlowStepsRequest
{
    /// <summary>The cluster.</summary>
    public required string JobFlowId { get; init; }

    /// <summary>Steps to add.</summary>
    public required IReadOnlyList<StepConfig> Steps { get; init; }

    /// <summary>Runtime role.</summary>
    public string? ExecutionRoleArn { get; init; }
}

/// <summary>Output of <c>AddJobFlowSteps</c>.</summary>
public sealed record AddJobFlowStepsResponse
{
    /// <summary>Ids of the added steps, in order.</summary>
    public IReadOnlyList<string>? StepIds { get; init; }
}

/// <summary>Input of <c>TerminateJobFlows</c>.</summary>
public sealed record TerminateJobFlowsRequest
{
    /// <summary>Clusters to terminate (at most 10).</summary>
    public required IReadOnlyList<string> JobFlowIds { get; init; }
}

/// <summary>Input of <c>ListClusters</c> (one page).</summary>
public sealed record ListClustersRequest
{
    /// <summary>Created after.</summary>
    public DateTimeOffset? CreatedAfter { get; init; }

    /// <summary>Created before.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>Filter by state.</summary>
    public IReadOnlyList<string>? ClusterStates { get; init; }

    /// <summary>From the previous page.</summary>
    public string? Marker { get; init; }
}

/// <summary>Output of <c>ListClusters</c> (one page).</summary>
public sealed record ListClustersResponse
{
    /// <summary>Clusters.</summary>
    public IReadOnlyList<ClusterSummary>? Clusters { get; init; }

    /// <summary>Present when there is another page.</summary>
    public string? Marker { get; init; }
}

/// <summary>A cluster as listed.</summary>
public sealed record ClusterSummary
{
    /// <summary>Id.</summary>
    public string? Id { get; init; }

    /// <summary>Name.</summary>
    public string? Name { get; init; }

    /// <summary>State.</summary>
    public ClusterStatus? Status { get; init; }

    /// <summary>Instance hours.</summary>
    public int? NormalizedInstanceHours { get; init; }

    /// <summary>ARN.</summary>
    public string? ClusterArn { get; init; }

    /// <summary>Outpost.</summary>
    public string? OutpostArn { get; init; }
}

/// <summary>Output of <c>TerminateJobFlows</c> (empty).</summary>
public sealed record TerminateJobFlowsResponse;
