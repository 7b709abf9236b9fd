using Microsoft.Extensions.Options;

namespace OneOff.Dashboard.Audit;

/// <summary>The audit log (configuration section <c>OneOff:Audit</c>; checked by <see cref="AuditOptionsValidator"/>).</summary>
public sealed class AuditOptions
{
    public const string SectionName = "OneOff:Audit";

    /// <summary>The most a page of <c>/admin/audit</c> shows.</summary>
    public const int PageSize = 50;

    /// <summary>
    /// <c>OneOff:Audit:RetentionDays</c>: entries older than this many days are deleted, at start and once a day
    /// (default 365: a year of history, as a security review usually asks for).
    /// </summary>
    public int RetentionDays { get; set; } = 365;
}

/// <summary>Checks <see cref="AuditOptions"/>; the message names the key and the fix.</summary>
internal sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public const int MaxRetentionDays = 3650;

    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.RetentionDays is < 1 or > MaxRetentionDays
            ? ValidateOptionsResult.Fail($"{AuditOptions.SectionName}:RetentionDays must be from 1 to {MaxRetentionDays} days (got {options.RetentionDays}); leave it unset for 365.")
            : ValidateOptionsResult.Success;
    }
}
