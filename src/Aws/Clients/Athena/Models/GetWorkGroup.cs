// GetWorkGroup: a workgroup's state and settings (free: it scans nothing).
// Members are named and ordered as the Athena service model (API 2017-05-18) has them: required first, then model order.
namespace OneOff.Aws.Clients.Athena.Models;

/// <summary>Input of <c>GetWorkGroup</c>.</summary>
internal sealed record GetWorkGroupRequest
{
    /// <summary>The workgroup's name.</summary>
    public required string WorkGroup { get; init; }
}

/// <summary>Output of <c>GetWorkGroup</c>.</summary>
internal sealed record GetWorkGroupResponse
{
    /// <summary>The workgroup.</summary>
    public WorkGroup? WorkGroup { get; init; }
}

/// <summary>A workgroup.</summary>
internal sealed record WorkGroup
{
    /// <summary>The name.</summary>
    public required string Name { get; init; }

    /// <summary><c>ENABLED</c> or <c>DISABLED</c> (see <see cref="AthenaWorkGroupState"/>).</summary>
    public string? State { get; init; }

    /// <summary>Its settings.</summary>
    public WorkGroupConfiguration? Configuration { get; init; }

    /// <summary>The description.</summary>
    public string? Description { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset? CreationTime { get; init; }
}

/// <summary>A workgroup's settings (the members OneOff reads).</summary>
internal sealed record WorkGroupConfiguration
{
    /// <summary>Where its queries' results go.</summary>
    public ResultConfiguration? ResultConfiguration { get; init; }

    /// <summary>Set when results live in Athena-managed storage (no output location to read from S3).</summary>
    public ManagedQueryResultsConfiguration? ManagedQueryResultsConfiguration { get; init; }

    /// <summary>
    /// True when the workgroup's settings override the client's: a query must then send no <c>ResultConfiguration</c>
    /// (an override turns result reuse off, Athena UG "Reusing query results").
    /// </summary>
    public bool? EnforceWorkGroupConfiguration { get; init; }

    /// <summary>Whether query metrics go to CloudWatch.</summary>
    public bool? PublishCloudWatchMetricsEnabled { get; init; }

    /// <summary>The most bytes one query may scan before Athena cancels it.</summary>
    public long? BytesScannedCutoffPerQuery { get; init; }

    /// <summary>Whether requester-pays buckets may be queried.</summary>
    public bool? RequesterPaysEnabled { get; init; }

    /// <summary>The engine version.</summary>
    public EngineVersion? EngineVersion { get; init; }
}

/// <summary>Values of <see cref="WorkGroup.State"/>.</summary>
internal static class AthenaWorkGroupState
{
    /// <summary>Queries can run.</summary>
    public const string Enabled = "ENABLED";

    /// <summary>Queries are refused.</summary>
    public const string Disabled = "DISABLED";
}
