using OneOff.Core.Query;

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

/// <summary>
/// One run as the database keeps it, and its life as a state machine (ARCHITECTURE.md, "Runs and restarts"):
/// Queued → Starting → Running → Succeeded | Failed; Queued | Starting | Running → Cancelling → Cancelled |
/// Succeeded (the manifest decides). Nothing outside this class assigns a state.
/// </summary>
/// <remarks>
/// Every arrow is a method that checks the current state. Each returns true when it took the arrow and false when
/// the current state does not allow it, leaving the record unchanged: its callers (the scheduler, a follower, a
/// command, the reconciliation at start) legitimately race each other, and the loser of a race is not an error.
/// </remarks>
public sealed class RunRecord
{
    /// <summary>Who started a run that was published outside the dashboard (see <see cref="Adopt"/>).</summary>
    public const string OutsideTheDashboard = "(outside the dashboard)";

    // EF Core materialises records through this constructor; code creates them with Queue or Adopt.
    private RunRecord()
    {
    }

    /// <summary>The run id (also the folder <c>runs/{Id}/</c>).</summary>
    public string Id { get; private set; } = "";

    /// <summary>The submission's idempotency key: a double click submits one run.</summary>
    public string? IdempotencyKey { get; private set; }

    /// <summary>The user name of who started it, or <see cref="OutsideTheDashboard"/>.</summary>
    public string CreatedBy { get; private set; } = "";

    public DateTime CreatedUtc { get; private set; }

    public DateTime? StartedUtc { get; private set; }

    public DateTime? FinishedUtc { get; private set; }

    public RunState State { get; private set; }

    /// <summary>Every parameter, written by <see cref="StoredRunJson"/> (<see cref="StoredParameters"/>).</summary>
    public string ParametersJson { get; private set; } = "";

    /// <summary>Per hidden size: iteration, loss, and metrics when done, written by <see cref="StoredRunJson"/> (<see cref="StoredProgress"/>).</summary>
    public string ProgressJson { get; private set; } = "";

    public int? BestNHidden { get; private set; }

    /// <summary>Why the run failed (the runner's or the job's words); null unless <see cref="RunState.Failed"/>.</summary>
    public string? Error { get; private set; }

    /// <summary>
    /// Why the outputs of a published run cannot be read in full (plain words, no paths), null when they can. A
    /// damaged run keeps its state (ARCHITECTURE.md, "Runs and restarts"): see <see cref="RecordOutputsDamage"/>.
    /// </summary>
    public string? OutputsDamaged { get; private set; }

    /// <summary>
    /// What the job said it is doing last ("generating data", "training", "publishing"; on EMR also "provisioning",
    /// "installing the job", "training: 3 of 10 sizes done"), or null; pages show it while the run is active.
    /// </summary>
    public string? Phase { get; private set; }

    /// <summary>
    /// What the runner's housekeeping did to this run's job, in words for the run page ("The reaper terminated its
    /// cluster j-… : its lease expired at …"), or null.
    /// </summary>
    public string? RunnerNote { get; private set; }

    /// <summary>What the run's infrastructure cost (an EMR cluster's instances at list prices, USD), or null when nothing was billed or it is unknown.</summary>
    public decimal? CostDollars { get; private set; }

    /// <summary>Queries the query engine ran for this run's pages and finished (Athena; 0 in local mode, where queries cost nothing).</summary>
    public long QueryCount { get; private set; }

    /// <summary>Of <see cref="QueryCount"/>, the ones answered from an earlier result (Athena's result reuse: nothing scanned, nothing billed).</summary>
    public long QueryReusedCount { get; private set; }

    /// <summary>The bytes those queries scanned.</summary>
    public long QueryScannedBytes { get; private set; }

    /// <summary>What those queries cost at list price (USD), billing rules applied.</summary>
    public decimal QueryCostDollars { get; private set; }

    /// <summary>When the job was last seen alive (its last saved progress); an interrupted run ends then.</summary>
    public DateTime? LastSeenUtc { get; private set; }

    /// <summary>The runner's handle (<c>local:{pid}@{ticks}</c>, <c>emr:{clusterId}</c>).</summary>
    public string? RunnerHandle { get; private set; }

    /// <summary>True once the run can no longer change (and can be deleted).</summary>
    public bool IsFinished => State is RunState.Succeeded or RunState.Failed or RunState.Cancelled;

    /// <summary>A new submission, <see cref="RunState.Queued"/>.</summary>
    public static RunRecord Queue(string id, string? idempotencyKey, string createdBy, DateTime createdUtc, StoredParameters parameters, StoredProgress progress)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(createdBy);
        return new RunRecord
        {
            Id = id,
            IdempotencyKey = idempotencyKey,
            CreatedBy = createdBy,
            CreatedUtc = createdUtc,
            State = RunState.Queued,
            ParametersJson = StoredRunJson.Write(parameters),
            ProgressJson = StoredRunJson.Write(progress),
        };
    }

    /// <summary>
    /// A published run found in the store with no record: created <see cref="RunState.Succeeded"/>, started by
    /// <see cref="OutsideTheDashboard"/>, finished when it published.
    /// </summary>
    public static RunRecord Adopt(string id, DateTime publishedUtc, StoredParameters parameters, StoredProgress progress, int? bestNHidden)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return new RunRecord
        {
            Id = id,
            CreatedBy = OutsideTheDashboard,
            CreatedUtc = publishedUtc,
            FinishedUtc = publishedUtc,
            State = RunState.Succeeded,
            ParametersJson = StoredRunJson.Write(parameters),
            ProgressJson = StoredRunJson.Write(progress),
            BestNHidden = bestNHidden,
        };
    }

    /// <summary>Queued → Starting: the scheduler is about to start its job.</summary>
    public bool MarkStarting(DateTime utcNow)
    {
        if (State != RunState.Queued)
        {
            return false;
        }

        State = RunState.Starting;
        StartedUtc = utcNow;
        return true;
    }

    /// <summary>
    /// Keeps the runner's handle of a started job (Starting, or Cancelling once started): saved before anything else
    /// so that a restart can find the job. A handle is kept once; another one is refused.
    /// </summary>
    public bool AttachHandle(string handle)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(handle);
        if (State is not (RunState.Starting or RunState.Cancelling) || StartedUtc is null || RunnerHandle is not null)
        {
            return false;
        }

        RunnerHandle = handle;
        return true;
    }

    /// <summary>Starting → Running: the job said it started.</summary>
    public bool MarkRunning()
    {
        if (State != RunState.Starting)
        {
            return false;
        }

        State = RunState.Running;
        return true;
    }

    /// <summary>
    /// Saves the progress of a job that is alive (Starting, Running or Cancelling), seen at <paramref name="seenUtc"/>
    /// when given; the state stays.
    /// </summary>
    public bool RecordProgress(StoredProgress progress, DateTime? seenUtc = null)
    {
        if (State is not (RunState.Starting or RunState.Running or RunState.Cancelling))
        {
            return false;
        }

        ProgressJson = StoredRunJson.Write(progress);
        LastSeenUtc = seenUtc ?? LastSeenUtc;
        return true;
    }

    /// <summary>Starting | Running | Cancelling → Succeeded: the manifest exists (a run that published before a cancel took effect succeeded).</summary>
    public bool MarkSucceeded(DateTime utcNow, int? bestNHidden, StoredProgress progress)
    {
        if (State is not (RunState.Starting or RunState.Running or RunState.Cancelling))
        {
            return false;
        }

        State = RunState.Succeeded;
        BestNHidden = bestNHidden;
        ProgressJson = StoredRunJson.Write(progress);
        Error = null;
        FinishedUtc ??= utcNow;
        return true;
    }

    /// <summary>Starting | Running → Failed with <paramref name="reason"/>.</summary>
    public bool MarkFailed(DateTime utcNow, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (State is not (RunState.Starting or RunState.Running))
        {
            return false;
        }

        State = RunState.Failed;
        Error = reason;
        FinishedUtc = utcNow;
        return true;
    }

    /// <summary>
    /// Starting | Running → Failed with <paramref name="reason"/>, for a job found gone after the dashboard was away:
    /// the run ends when the job was last seen (its last saved progress, else its start), not when the dashboard
    /// noticed, so that its duration does not count the time the dashboard was down.
    /// </summary>
    public bool MarkInterrupted(DateTime utcNow, string reason)
    {
        var lastSeen = LastSeenUtc ?? StartedUtc ?? utcNow;
        return MarkFailed(lastSeen < utcNow ? lastSeen : utcNow, reason);
    }

    /// <summary>
    /// Succeeded → Succeeded, keeping why its outputs cannot be read in full (<paramref name="damage"/>), or
    /// clearing it (null) once they can; true when it changed. The state never changes.
    /// </summary>
    public bool RecordOutputsDamage(string? damage)
    {
        if (State != RunState.Succeeded || string.Equals(damage, OutputsDamaged, StringComparison.Ordinal))
        {
            return false;
        }

        OutputsDamaged = string.IsNullOrWhiteSpace(damage) ? null : damage;
        return true;
    }

    /// <summary>Keeps the job's <paramref name="phase"/> (cut to 128 characters) while the run is active; true when it changed.</summary>
    public bool RecordPhase(string phase)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(phase);
        phase = Cut(phase, 128);
        if (IsFinished || string.Equals(phase, Phase, StringComparison.Ordinal))
        {
            return false;
        }

        Phase = phase;
        return true;
    }

    /// <summary>Keeps <paramref name="note"/> (cut to 1024 characters) as <see cref="RunnerNote"/>, in any state; true when it changed.</summary>
    public bool RecordRunnerNote(string note)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(note);
        note = Cut(note, 1024);
        if (string.Equals(note, RunnerNote, StringComparison.Ordinal))
        {
            return false;
        }

        RunnerNote = note;
        return true;
    }

    /// <summary>Keeps what the run cost (<paramref name="dollars"/>, not negative), in any state; true when it changed.</summary>
    public bool RecordCost(decimal dollars)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dollars);
        if (CostDollars == dollars)
        {
            return false;
        }

        CostDollars = dollars;
        return true;
    }

    /// <summary>Adds what more queries of this run spent (<paramref name="usage"/>), in any state; true when it changed.</summary>
    public bool AddQueryUsage(QueryUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        if (usage.Queries <= 0)
        {
            return false;
        }

        QueryCount += usage.Queries;
        QueryReusedCount += Math.Max(0, usage.ReusedResults);
        QueryScannedBytes += Math.Max(0, usage.ScannedBytes);
        QueryCostDollars += Math.Max(0, usage.Dollars);
        return true;
    }

    /// <summary>Queued | Starting | Running → Cancelling; a queued run then goes on to <see cref="MarkCancelled"/> at once.</summary>
    public bool RequestCancel()
    {
        if (State is not (RunState.Queued or RunState.Starting or RunState.Running))
        {
            return false;
        }

        State = RunState.Cancelling;
        return true;
    }

    /// <summary>Cancelling → Cancelled: the job has ended and nothing of it was published.</summary>
    public bool MarkCancelled(DateTime utcNow)
    {
        if (State != RunState.Cancelling)
        {
            return false;
        }

        State = RunState.Cancelled;
        FinishedUtc = utcNow;
        return true;
    }

    /// <summary><paramref name="text"/> in at most <paramref name="max"/> characters, its end cut to "…".</summary>
    private static string Cut(string text, int max) => text.Length > max ? text[..(max - 1)] + "…" : text;
}
