namespace OneOff.Dashboard.Data;

/// <summary>The states of a run (ARCHITECTURE.md, "The dashboard").</summary>
public enum RunState
{
    Queued,
    Starting,
    Running,
    Succeeded,
    Failed,
    Cancelling,
    Cancelled,
}

/// <summary>One run as the database keeps it.</summary>
public sealed class RunRecord
{
    /// <summary>The run id (also the folder <c>runs/{Id}/</c>).</summary>
    public required string Id { get; set; }

    /// <summary>The submission's idempotency key: a double click submits one run.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>The user name of who started it.</summary>
    public required string CreatedBy { get; set; }

    public DateTime CreatedUtc { get; set; }

    public DateTime? StartedUtc { get; set; }

    public DateTime? FinishedUtc { get; set; }

    public RunState State { get; set; }

    /// <summary>Every parameter as text keyed by manifest key (JSON object).</summary>
    public required string ParametersJson { get; set; }

    /// <summary>Per hidden size: iteration, loss, and metrics when done (JSON array).</summary>
    public string ProgressJson { get; set; } = "[]";

    public int? BestNHidden { get; set; }

    public string? Error { get; set; }

    /// <summary>The runner's handle (<c>local:{pid}@{ticks}</c>, <c>emr:{clusterId}</c>).</summary>
    public string? RunnerHandle { get; set; }
}
