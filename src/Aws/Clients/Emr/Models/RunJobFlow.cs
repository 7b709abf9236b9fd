// RunJobFlow: start a cluster with its applications, bootstrap actions and steps.
// Members are named and ordered as the EMR service model (API 2009-03-31) has them: required first, then model order.
namespace OneOff.Aws.Clients.Emr.Models;

/// <summary>Input of <c>RunJobFlow</c>: a cluster and what it runs.</summary>
internal sealed record RunJobFlowRequest
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
internal sealed record RunJobFlowResponse
{
    /// <summary>The cluster id (<c>j-…</c>).</summary>
    public string? JobFlowId { get; init; }

    /// <summary>The cluster ARN.</summary>
    public string? ClusterArn { get; init; }
}

/// <summary>A bootstrap action.</summary>
internal sealed record BootstrapActionConfig
{
    /// <summary>Name.</summary>
    public required string Name { get; init; }

    /// <summary>The script.</summary>
    public required ScriptBootstrapActionConfig ScriptBootstrapAction { get; init; }
}

/// <summary>A bootstrap script.</summary>
internal sealed record ScriptBootstrapActionConfig
{
    /// <summary><c>s3://…</c> of the script.</summary>
    public required string Path { get; init; }

    /// <summary>Arguments.</summary>
    public IReadOnlyList<string>? Args { get; init; }
}

/// <summary>Terminate an idle cluster.</summary>
internal sealed record AutoTerminationPolicy
{
    /// <summary>Idle seconds, 60–604800.</summary>
    public long? IdleTimeout { get; init; }
}
