// A step as sent (RunJobFlow, AddJobFlowSteps) and what it runs as read back (ListSteps, DescribeStep).
// Members are named and ordered as the EMR service model (API 2009-03-31) has them: required first, then model order.
namespace OneOff.Aws.Clients.Emr.Models;

/// <summary>A step to run.</summary>
internal sealed record StepConfig
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
internal sealed record HadoopJarStepConfig
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
internal sealed record KeyValue
{
    /// <summary>Key.</summary>
    public string? Key { get; init; }

    /// <summary>Value.</summary>
    public string? Value { get; init; }
}

/// <summary>Step monitoring.</summary>
internal sealed record StepMonitoringConfiguration
{
    /// <summary>S3 logs.</summary>
    public S3MonitoringConfiguration? S3MonitoringConfiguration { get; init; }
}

/// <summary>Step logs in S3.</summary>
internal sealed record S3MonitoringConfiguration
{
    /// <summary>Where.</summary>
    public string? LogUri { get; init; }

    /// <summary>KMS key.</summary>
    public string? EncryptionKeyArn { get; init; }
}

/// <summary>What a step runs, as described.</summary>
internal sealed record HadoopStepConfig
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
