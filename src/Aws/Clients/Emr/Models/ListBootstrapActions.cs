// ListBootstrapActions: one page of a cluster's bootstrap actions (their order numbers name their log folders).
// Members are named and ordered as the EMR service model (API 2009-03-31) has them: required first, then model order.
namespace OneOff.Aws.Clients.Emr.Models;

/// <summary>Input of <c>ListBootstrapActions</c> (one page).</summary>
internal sealed record ListBootstrapActionsRequest
{
    /// <summary>The cluster.</summary>
    public required string ClusterId { get; init; }

    /// <summary>From the previous page.</summary>
    public string? Marker { get; init; }
}

/// <summary>Output of <c>ListBootstrapActions</c> (one page, in the order the actions run).</summary>
internal sealed record ListBootstrapActionsResponse
{
    /// <summary>Bootstrap actions.</summary>
    public IReadOnlyList<Command>? BootstrapActions { get; init; }

    /// <summary>Present when there is another page.</summary>
    public string? Marker { get; init; }
}

/// <summary>A bootstrap action as listed.</summary>
internal sealed record Command
{
    /// <summary>Name.</summary>
    public string? Name { get; init; }

    /// <summary>The script (<c>s3://…</c>).</summary>
    public string? ScriptPath { get; init; }

    /// <summary>Its arguments.</summary>
    public IReadOnlyList<string>? Args { get; init; }
}
