// Shapes a cluster is started with (RunJobFlow) and read back with (DescribeCluster).
// Members are named and ordered as the EMR service model (API 2009-03-31) has them: required first, then model order.
namespace OneOff.Aws.Clients.Emr.Models;

/// <summary>An application on the cluster.</summary>
internal sealed record Application
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
internal sealed record Configuration
{
    /// <summary>Classification.</summary>
    public string? Classification { get; init; }

    /// <summary>Nested (e.g. <c>export</c> under <c>spark-env</c>).</summary>
    public IReadOnlyList<Configuration>? Configurations { get; init; }

    /// <summary>Properties.</summary>
    public IReadOnlyDictionary<string, string>? Properties { get; init; }
}

/// <summary>A tag.</summary>
internal sealed record Tag
{
    /// <summary>Key.</summary>
    public string? Key { get; init; }

    /// <summary>Value.</summary>
    public string? Value { get; init; }
}
