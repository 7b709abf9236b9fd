// ListClusters: one page of clusters.
// Members are named and ordered as the EMR service model (API 2009-03-31) has them: required first, then model order.
namespace OneOff.Aws.Clients.Emr.Models;

/// <summary>Input of <c>ListClusters</c> (one page).</summary>
internal sealed record ListClustersRequest
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
internal sealed record ListClustersResponse
{
    /// <summary>Clusters.</summary>
    public IReadOnlyList<ClusterSummary>? Clusters { get; init; }

    /// <summary>Present when there is another page.</summary>
    public string? Marker { get; init; }
}

/// <summary>A cluster as listed.</summary>
internal sealed record ClusterSummary
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
