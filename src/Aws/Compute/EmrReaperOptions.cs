using Microsoft.Extensions.Options;

namespace OneOff.Aws.Compute;

/// <summary>
/// How often the EMR reaper looks for clusters to end (<c>OneOff:Aws:Reaper:*</c>, ARCHITECTURE.md "The EMR path"
/// item 7): at start and every <see cref="IntervalMinutes"/>, it terminates this deployment's active clusters whose
/// lease expired, or whose run is finished or unknown after <see cref="OrphanGraceMinutes"/>.
/// </summary>
public sealed class EmrReaperOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "OneOff:Aws:Reaper";

    /// <summary><c>IntervalMinutes</c>: minutes between two looks, 1 – 1440 (default 5).</summary>
    public int IntervalMinutes { get; set; } = 5;

    /// <summary>
    /// <c>OrphanGraceMinutes</c>: how long a cluster whose run is finished or unknown may live before it is
    /// terminated, 5 – 1440 (default 30: longer than the gap between RunJobFlow and the run record saving the cluster id).
    /// </summary>
    public int OrphanGraceMinutes { get; set; } = 30;

    /// <summary>The interval as a time span.</summary>
    public TimeSpan Interval => TimeSpan.FromMinutes(IntervalMinutes);

    /// <summary>The grace period as a time span.</summary>
    public TimeSpan OrphanGrace => TimeSpan.FromMinutes(OrphanGraceMinutes);
}

/// <summary>Checks <see cref="EmrReaperOptions"/>; every failure is one line naming the configuration key and the fix.</summary>
public sealed class EmrReaperOptionsValidator : IValidateOptions<EmrReaperOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EmrReaperOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.IntervalMinutes is < 1 or > 1440)
        {
            failures.Add($"{EmrReaperOptions.SectionName}:IntervalMinutes is {options.IntervalMinutes}: use 1 to 1440 (the default is 5).");
        }

        if (options.OrphanGraceMinutes is < 5 or > 1440)
        {
            failures.Add($"{EmrReaperOptions.SectionName}:OrphanGraceMinutes is {options.OrphanGraceMinutes}: use 5 to 1440 (the default is 30).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
