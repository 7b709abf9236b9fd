namespace OneOff.Dashboard.Configuration;

/// <summary>Where runs execute and their outputs live (<c>OneOff:Mode</c>).</summary>
public enum OneOffMode
{
    /// <summary>On this machine: a folder store, the job as a child process, DuckDB queries (the default).</summary>
    Local,

    /// <summary>On AWS: S3, throwaway EMR clusters, Athena.</summary>
    Aws,
}

/// <summary>The top-level settings (<c>OneOff:*</c>).</summary>
public sealed class OneOffOptions
{
    public const string SectionName = "OneOff";

    /// <summary>
    /// <c>OneOff:Mode</c>: <see cref="OneOffMode.Local"/> (default) or <see cref="OneOffMode.Aws"/>. Read once by the
    /// composition root (<see cref="ModeSelection"/>), which picks the adapters and sets it; a bad value is the
    /// start-up message of <see cref="ModeSelection.Problem"/>.
    /// </summary>
    public OneOffMode Mode { get; internal set; } = OneOffMode.Local;

    /// <summary><c>OneOff:DataRoot</c>: where local mode keeps runs, the database and keys (default <c>./data</c>).</summary>
    public string DataRoot { get; set; } = "data";

    /// <summary>The data root as a full path (relative to the current directory).</summary>
    public string DataRootPath => Path.GetFullPath(DataRoot);
}

/// <summary>The first admin (<c>OneOff:Admin:*</c>).</summary>
public sealed class AdminOptions
{
    public const string SectionName = "OneOff:Admin";

    /// <summary>
    /// <c>OneOff:Admin:UserName</c>: the first admin's name (default <c>admin</c>), created on the very first start
    /// only; later changes create nobody (the log says so).
    /// </summary>
    public string UserName { get; set; } = "admin";

    /// <summary><c>OneOff:Admin:Password</c>: the first admin's password; generated when not set.</summary>
    public string? Password { get; set; }
}

/// <summary>Runs (<c>OneOff:Runs:*</c>).</summary>
public sealed class RunsOptions
{
    public const string SectionName = "OneOff:Runs";

    /// <summary>The largest <see cref="AdoptionIntervalSeconds"/>: one day.</summary>
    public const int MaxAdoptionIntervalSeconds = 86_400;

    /// <summary><c>OneOff:Runs:MaxConcurrent</c>: how many runs execute at once (default 1).</summary>
    public int MaxConcurrent { get; set; } = 1;

    /// <summary>
    /// <c>OneOff:Runs:MaxWork</c>: the largest run allowed, in the work units of <see cref="OneOff.Core.Runs.WorkModel"/>
    /// (training points × Σ hidden sizes × evaluations); 0 = no limit. Default 300 G: about 2 minutes on this
    /// machine idle (<see cref="OneOff.Core.Runs.WorkRate.Local"/>), over 100 times the default study.
    /// </summary>
    public long MaxWork { get; set; } = 300_000_000_000;

    /// <summary><c>OneOff:Runs:MaxQueued</c>: how many runs of all users may be queued or active at once; 0 = no limit (default 20).</summary>
    public int MaxQueued { get; set; } = 20;

    /// <summary><c>OneOff:Runs:MaxQueuedPerUser</c>: how many runs one user may have queued or active at once; 0 = no limit (default 3).</summary>
    public int MaxQueuedPerUser { get; set; } = 3;

    /// <summary>
    /// <c>OneOff:Runs:DiskBudgetBytes</c>: the bytes all runs' outputs (the store's <c>runs/</c>) may take, the new run's
    /// estimated output (<see cref="OneOff.Core.Runs.RunOutputSize"/>) and the unfinished runs' included; 0 = no limit.
    /// Default 10 GB: about 3 000 default studies, or 100 of the largest the form accepts.
    /// </summary>
    public long DiskBudgetBytes { get; set; } = 10_000_000_000;

    /// <summary><c>OneOff:Runs:JobPath</c>: the built job; default <c>job/oneoff-job.dll</c> beside the dashboard.</summary>
    public string? JobPath { get; set; }

    /// <summary>The job path to use.</summary>
    public string JobPathOrDefault => string.IsNullOrWhiteSpace(JobPath) ? Path.Combine(AppContext.BaseDirectory, "job", "oneoff-job.dll") : JobPath;

    /// <summary>
    /// <c>OneOff:Runs:AdoptionIntervalSeconds</c>: how often the dashboard looks in the store for runs published outside
    /// it (a <c>oneoff-job sweep --out</c> into the data root) and adopts them (default 60); 0 = only at start and when
    /// an Operator asks ("Look for new runs"). Each look lists the store's <c>runs/</c>.
    /// </summary>
    public int AdoptionIntervalSeconds { get; set; } = 60;
}
