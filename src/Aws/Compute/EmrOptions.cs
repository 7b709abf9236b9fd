using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using OneOff.Aws.Storage;

namespace OneOff.Aws.Compute;

/// <summary>
/// How Aws mode's throwaway EMR clusters are made (<c>OneOff:Aws:Emr:*</c>, ARCHITECTURE.md "The EMR path" and
/// "Configuration keys users rely on"). The roles come from the deployment's stack; everything else has a default.
/// </summary>
public sealed class EmrOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "OneOff:Aws:Emr";

    /// <summary>The oldest release OneOff runs on: emr-7.0.0, the first on Amazon Linux 2023.</summary>
    public static readonly Version MinimumRelease = new(7, 0, 0);

    /// <summary>
    /// <c>ReleaseLabel</c>: the EMR release (default <c>emr-7.13.0</c>, the newest in aws-protocols.md §6, with Spark
    /// 3.5.6 and Python 3.9). At least emr-7.0.0: the job is self-contained .NET 10, which needs glibc 2.27; EMR 6
    /// runs Amazon Linux 2 (glibc 2.26), EMR 7 Amazon Linux 2023 (glibc 2.34).
    /// </summary>
    public string ReleaseLabel { get; set; } = "emr-7.13.0";

    /// <summary><c>PrimaryInstanceType</c>: the primary node (default <c>m7g.xlarge</c>, Graviton: the bundle's linux-arm64 build runs there).</summary>
    public string PrimaryInstanceType { get; set; } = "m7g.xlarge";

    /// <summary><c>CoreInstanceType</c>: the core nodes (default <c>m7g.xlarge</c>).</summary>
    public string CoreInstanceType { get; set; } = "m7g.xlarge";

    /// <summary><c>CoreInstanceCount</c>: core nodes, 0 – 100 (default 1; 0 runs everything on the primary node).</summary>
    public int CoreInstanceCount { get; set; } = 1;

    /// <summary><c>TaskInstanceType</c>: task nodes (default: <see cref="CoreInstanceType"/>).</summary>
    public string? TaskInstanceType { get; set; }

    /// <summary><c>TaskInstanceCount</c>: task nodes, 0 – 100 (default 0).</summary>
    public int TaskInstanceCount { get; set; }

    /// <summary><c>TaskMarket</c>: <c>ON_DEMAND</c> (default) or <c>SPOT</c> for the task nodes.</summary>
    public string TaskMarket { get; set; } = "ON_DEMAND";

    /// <summary><c>ServiceRole</c>: the EMR service role (required; the stack creates it).</summary>
    public string? ServiceRole { get; set; }

    /// <summary><c>JobFlowRole</c>: the EC2 instance profile of the nodes (required; the stack creates it).</summary>
    public string? JobFlowRole { get; set; }

    /// <summary><c>SubnetId</c>: the subnet the cluster starts in (default: EMR's choice in the default VPC).</summary>
    public string? SubnetId { get; set; }

    /// <summary><c>LogUri</c>: where EMR writes cluster, step and bootstrap logs (default <c>s3://{bucket}/{prefix}/logs/</c>).</summary>
    public string? LogUri { get; set; }

    /// <summary><c>IdleTimeoutSeconds</c>: the cluster's <c>AutoTerminationPolicy</c>, 60 – 604800 (default 600).</summary>
    public long IdleTimeoutSeconds { get; set; } = 600;

    /// <summary>
    /// <c>MaxLifetimeMinutes</c>: the cluster's lease, 10 – 10080 (default 180): the primary node shuts itself down
    /// then, and the reaper terminates the cluster once its <c>oneoff:lease-expires</c> tag has passed.
    /// </summary>
    public int MaxLifetimeMinutes { get; set; } = 180;

    /// <summary><c>StartTimeoutMinutes</c>: a cluster not RUNNING by then (waiting for capacity) is terminated, 5 – 1440 (default 30).</summary>
    public int StartTimeoutMinutes { get; set; } = 30;

    /// <summary><c>LogWaitMinutes</c>: how long a failed run keeps looking for its step's log in S3, 0 – 60 (default 10).</summary>
    public int LogWaitMinutes { get; set; } = 10;

    /// <summary>
    /// <c>Prices</c>: per instance type, the on-demand EC2 and the EMR hourly list prices in USD, for the cost
    /// estimates (labelled "estimated from list prices"). Every configured instance type needs one. The default
    /// holds <c>m7g.xlarge</c> at the us-east-1 list prices (EC2 $0.1632, EMR $0.0408 per hour); set your region's.
    /// </summary>
    public Dictionary<string, EmrInstancePrice> Prices { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["m7g.xlarge"] = new() { Ec2PerHour = 0.1632m, EmrPerHour = 0.0408m },
    };

    /// <summary>The task nodes' type: <see cref="TaskInstanceType"/>, else <see cref="CoreInstanceType"/>.</summary>
    public string EffectiveTaskInstanceType => string.IsNullOrWhiteSpace(TaskInstanceType) ? CoreInstanceType : TaskInstanceType.Trim();

    /// <summary>The instance groups the cluster asks for: the primary node, then the core and task nodes when their count is above 0.</summary>
    public IReadOnlyList<EmrInstanceGroup> InstanceGroups
    {
        get
        {
            var groups = new List<EmrInstanceGroup> { new(EmrInstanceRole.Primary, PrimaryInstanceType.Trim(), 1, "ON_DEMAND") };
            if (CoreInstanceCount > 0)
            {
                groups.Add(new(EmrInstanceRole.Core, CoreInstanceType.Trim(), CoreInstanceCount, "ON_DEMAND"));
            }

            if (TaskInstanceCount > 0)
            {
                groups.Add(new(EmrInstanceRole.Task, EffectiveTaskInstanceType, TaskInstanceCount, TaskMarket.Trim().ToUpperInvariant()));
            }

            return groups;
        }
    }

    /// <summary>The log folder: <see cref="LogUri"/> (normalised by <see cref="EmrLogUri.Normalize"/>), else <c>{root}/logs/</c>.</summary>
    /// <param name="root">The deployment's store root (<c>s3://{bucket}/{prefix}</c>).</param>
    public string ResolveLogUri(S3Root root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return EmrLogUri.Normalize(LogUri) ?? $"{root}/logs/";
    }
}

/// <summary>The hourly list prices of one instance type, in USD (<c>OneOff:Aws:Emr:Prices:{type}:*</c>).</summary>
public sealed class EmrInstancePrice
{
    /// <summary><c>Ec2PerHour</c>: the on-demand EC2 price.</summary>
    public decimal Ec2PerHour { get; set; }

    /// <summary><c>EmrPerHour</c>: EMR's price on top of EC2.</summary>
    public decimal EmrPerHour { get; set; }

    /// <summary>EC2 plus EMR.</summary>
    public decimal PerHour => Ec2PerHour + EmrPerHour;
}

/// <summary>A node role of a cluster, and its name in the EMR API.</summary>
public enum EmrInstanceRole
{
    /// <summary>The primary node (<c>MASTER</c> in the API).</summary>
    Primary,

    /// <summary>Core nodes (<c>CORE</c>).</summary>
    Core,

    /// <summary>Task nodes (<c>TASK</c>).</summary>
    Task,
}

/// <summary>One uniform instance group of a cluster.</summary>
/// <param name="Role">Its role.</param>
/// <param name="InstanceType">EC2 type.</param>
/// <param name="Count">How many instances.</param>
/// <param name="Market"><c>ON_DEMAND</c> or <c>SPOT</c>.</param>
public sealed record EmrInstanceGroup(EmrInstanceRole Role, string InstanceType, int Count, string Market)
{
    /// <summary>The role as the API names it: <c>MASTER</c>, <c>CORE</c> or <c>TASK</c>.</summary>
    public string ApiRole => Role switch
    {
        EmrInstanceRole.Primary => "MASTER",
        EmrInstanceRole.Core => "CORE",
        _ => "TASK",
    };
}

/// <summary>EMR release labels: <c>emr-X.Y.Z</c>.</summary>
public static partial class EmrReleaseLabel
{
    /// <summary>The version of <c>emr-X.Y.Z</c> (case-insensitive), or null for anything else.</summary>
    public static Version? TryParse(string? label)
    {
        var match = label is null ? null : Pattern().Match(label.Trim());
        if (match is not { Success: true })
        {
            return null;
        }

        return int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var major)
               && int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
               && int.TryParse(match.Groups[3].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var patch)
            ? new Version(major, minor, patch)
            : null;
    }

    [GeneratedRegex("^emr-([0-9]{1,4})\\.([0-9]{1,4})\\.([0-9]{1,4})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>Checks <see cref="EmrOptions"/>; every failure is one line naming the configuration key and the fix.</summary>
public sealed partial class EmrOptionsValidator : IValidateOptions<EmrOptions>
{
    private const string Key = EmrOptions.SectionName + ":";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EmrOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        CheckRelease(options.ReleaseLabel, failures);
        CheckInstanceType("PrimaryInstanceType", options.PrimaryInstanceType, failures);
        CheckInstanceType("CoreInstanceType", options.CoreInstanceType, failures);
        if (!string.IsNullOrWhiteSpace(options.TaskInstanceType))
        {
            CheckInstanceType("TaskInstanceType", options.TaskInstanceType, failures);
        }

        CheckRange("CoreInstanceCount", options.CoreInstanceCount, 0, 100, "0 runs the study on the primary node alone", failures);
        CheckRange("TaskInstanceCount", options.TaskInstanceCount, 0, 100, "0 for no task nodes", failures);
        if (options.TaskMarket?.Trim().ToUpperInvariant() is not ("ON_DEMAND" or "SPOT"))
        {
            failures.Add($"{Key}TaskMarket is '{options.TaskMarket}': use ON_DEMAND or SPOT.");
        }

        CheckRole("ServiceRole", options.ServiceRole, "the EMR service role (e.g. EMR_DefaultRole_V2, or the role the deployment's stack created)", failures);
        CheckRole("JobFlowRole", options.JobFlowRole, "the nodes' EC2 instance profile (e.g. EMR_EC2_DefaultRole, or the profile the deployment's stack created)", failures);
        if (!string.IsNullOrWhiteSpace(options.SubnetId) && !SubnetPattern().IsMatch(options.SubnetId.Trim()))
        {
            failures.Add($"{Key}SubnetId is '{options.SubnetId}', not a subnet id: write it as subnet- and 8 or 17 hex digits (e.g. subnet-0123456789abcdef0), or leave it unset for EMR's default.");
        }

        CheckLogUri(options.LogUri, failures);

        // Documented range of AutoTerminationPolicy.IdleTimeout (EMR API reference, AutoTerminationPolicy; aws-protocols.md §3.2).
        if (options.IdleTimeoutSeconds is < 60 or > 604800)
        {
            failures.Add($"{Key}IdleTimeoutSeconds is {options.IdleTimeoutSeconds}: EMR accepts 60 to 604800 seconds (1 minute to 7 days); the default is 600.");
        }

        CheckRange("StartTimeoutMinutes", options.StartTimeoutMinutes, 5, 1440, "the default is 30", failures);
        CheckRange("MaxLifetimeMinutes", options.MaxLifetimeMinutes, 10, 10080, "the default is 180", failures);
        if (options.MaxLifetimeMinutes <= options.StartTimeoutMinutes && options.StartTimeoutMinutes is >= 5 and <= 1440)
        {
            failures.Add($"{Key}MaxLifetimeMinutes ({options.MaxLifetimeMinutes}) must be more than {Key}StartTimeoutMinutes ({options.StartTimeoutMinutes}): a cluster's lease must outlast its start.");
        }

        CheckRange("LogWaitMinutes", options.LogWaitMinutes, 0, 60, "the default is 10", failures);
        CheckPrices(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckRelease(string? label, List<string> failures)
    {
        var version = EmrReleaseLabel.TryParse(label);
        if (version is null)
        {
            failures.Add($"{Key}ReleaseLabel is '{label}', not an EMR release label: write it as emr-X.Y.Z, e.g. emr-7.13.0.");
        }
        else if (version < EmrOptions.MinimumRelease)
        {
            failures.Add($"{Key}ReleaseLabel is {label}, but OneOff needs emr-7.0.0 or later (the job is .NET 10, which needs glibc 2.27; EMR 6 runs Amazon Linux 2 with glibc 2.26): set it to e.g. emr-7.13.0.");
        }
    }

    private static void CheckInstanceType(string key, string? value, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{Key}{key} is empty: set an EC2 instance type such as m7g.xlarge, or remove the key for the default.");
        }
        else if (!InstanceTypePattern().IsMatch(value.Trim()))
        {
            failures.Add($"{Key}{key} is '{value}', not an EC2 instance type: write it as family.size, e.g. m7g.xlarge.");
        }
    }

    private static void CheckRange(string key, long value, long min, long max, string hint, List<string> failures)
    {
        if (value < min || value > max)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Key}{key} is {value}: use {min} to {max} ({hint})."));
        }
    }

    private static void CheckRole(string key, string? value, string what, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{Key}{key} is not set: set it to {what}.");
        }
        else if (!RolePattern().IsMatch(value.Trim()))
        {
            failures.Add($"{Key}{key} is '{value}': use a role name or ARN (letters, digits and +=,.@_-/:), e.g. the stack's output.");
        }
    }

    private static void CheckLogUri(string? logUri, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(logUri))
        {
            return;
        }

        try
        {
            S3Root.Parse(EmrLogUri.Normalize(logUri) ?? logUri);
        }
        catch (ArgumentException e)
        {
            failures.Add($"{Key}LogUri is not usable: {e.Message.Split(" (Parameter", 2)[0].TrimEnd('.')}; or leave it unset for s3://{{bucket}}/{{prefix}}/logs/.");
        }
    }

    private static void CheckPrices(EmrOptions options, List<string> failures)
    {
        var prices = options.Prices ?? [];
        foreach (var (type, price) in prices)
        {
            if (price is null || price.Ec2PerHour <= 0 || price.EmrPerHour <= 0 || price.Ec2PerHour > 1000 || price.EmrPerHour > 1000)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{Key}Prices:{type} needs Ec2PerHour and EmrPerHour above 0 and at most 1000 USD (got {price?.Ec2PerHour ?? 0} and {price?.EmrPerHour ?? 0}): set both to the region's hourly list prices."));
            }
        }

        var used = options.InstanceGroups.Where(g => InstanceTypePattern().IsMatch(g.InstanceType)).Select(g => (g.InstanceType, Key: g.Role switch
        {
            EmrInstanceRole.Primary => "PrimaryInstanceType",
            EmrInstanceRole.Core => "CoreInstanceType",
            _ => "TaskInstanceType",
        }));
        foreach (var group in used.GroupBy(u => u.InstanceType, StringComparer.OrdinalIgnoreCase))
        {
            if (!prices.ContainsKey(group.Key))
            {
                var keys = string.Join(" and ", group.Select(u => Key + u.Key));
                failures.Add($"{Key}Prices has no price for {group.Key} ({keys}): set {Key}Prices:{group.Key}:Ec2PerHour and {Key}Prices:{group.Key}:EmrPerHour to the region's hourly list prices in USD (aws.amazon.com/emr/pricing).");
            }
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex InstanceTypePattern();

    [GeneratedRegex("^subnet-([0-9a-f]{8}|[0-9a-f]{17})$", RegexOptions.CultureInvariant)]
    private static partial Regex SubnetPattern();

    [GeneratedRegex("^[A-Za-z0-9+=,.@_/:-]{1,2048}$", RegexOptions.CultureInvariant)]
    private static partial Regex RolePattern();
}
