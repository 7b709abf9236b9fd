namespace OneOff.Core.Compute;

/// <summary>
/// What the control plane knows about a run, asked by the EMR reaper about a cluster's <c>oneoff:run-id</c> tag
/// (ARCHITECTURE.md, "The EMR path" item 7). The dashboard implements it from its run store.
/// </summary>
public interface IRunLookup
{
    /// <summary>
    /// Whether <paramref name="runId"/> has a record and, if so, whether it is still active (queued, starting,
    /// running, cancelling) or finished (succeeded, failed, cancelled).
    /// </summary>
    Task<RunPresence> FindAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a note to the record of <paramref name="runId"/> (the reaper terminated its cluster, and why), so that
    /// the run page shows it. Called only for runs <see cref="FindAsync"/> found; a run without a record is ignored.
    /// </summary>
    Task NoteAsync(string runId, string note, CancellationToken cancellationToken = default);
}

/// <summary>What <see cref="IRunLookup.FindAsync"/> knows about a run.</summary>
public enum RunPresence
{
    /// <summary>No record of the run (never submitted here, or deleted).</summary>
    Unknown,

    /// <summary>The run is queued, starting, running or being cancelled: its cluster is wanted.</summary>
    Active,

    /// <summary>The run has ended (succeeded, failed or cancelled): its cluster is no longer wanted.</summary>
    Finished,
}
