namespace OneOff.Dashboard.Configuration;

/// <summary>The top-level settings (<c>OneOff:*</c>).</summary>
public sealed class OneOffOptions
{
    public const string SectionName = "OneOff";

    /// <summary><c>OneOff:Mode</c>: <c>Local</c> (default) or <c>Aws</c>.</summary>
    public string Mode { get; set; } = "Local";

    /// <summary><c>OneOff:DataRoot</c>: where local mode keeps runs, the database and keys (default <c>./data</c>).</summary>
    public string DataRoot { get; set; } = "data";

    /// <summary><c>OneOff:DeploymentId</c> (default <c>default</c>).</summary>
    public string DeploymentId { get; set; } = "default";

    /// <summary>The data root as a full path (relative to the current directory).</summary>
    public string DataRootPath => Path.GetFullPath(DataRoot);
}

/// <summary>The first admin (<c>OneOff:Admin:*</c>).</summary>
public sealed class AdminOptions
{
    public const string SectionName = "OneOff:Admin";

    /// <summary><c>OneOff:Admin:Password</c>: the first admin's password; generated when not set.</summary>
    public string? Password { get; set; }
}

/// <summary>Runs (<c>OneOff:Runs:*</c>).</summary>
public sealed class RunsOptions
{
    public const string SectionName = "OneOff:Runs";

    /// <summary><c>OneOff:Runs:MaxConcurrent</c>: how many runs execute at once (default 1).</summary>
    public int MaxConcurrent { get; set; } = 1;

    /// <summary><c>OneOff:Runs:JobPath</c>: the built job; default <c>job/oneoff-job.dll</c> beside the dashboard.</summary>
    public string? JobPath { get; set; }

    /// <summary>The job path to use.</summary>
    public string JobPathOrDefault => string.IsNullOrWhiteSpace(JobPath) ? Path.Combine(AppContext.BaseDirectory, "job", "oneoff-job.dll") : JobPath;
}
