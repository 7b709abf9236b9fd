using OneOff.Core.Compute;

namespace OneOff.Dashboard.Runs;

/// <summary>
/// The EMR reaper's view of the run store (<see cref="IRunLookup"/>): whether a cluster's run is known and still
/// wants it, and the note the run page shows when the reaper ended its cluster.
/// </summary>
public sealed class RunLookup(RunStore runs) : IRunLookup
{
    public async Task<RunPresence> FindAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        var run = await runs.FindAsync(runId, cancellationToken).ConfigureAwait(false);
        return run switch
        {
            null => RunPresence.Unknown,
            { IsFinished: true } => RunPresence.Finished,
            _ => RunPresence.Active,
        };
    }

    public Task NoteAsync(string runId, string note, CancellationToken cancellationToken = default) =>
        runs.UpdateAsync(runId, r => r.RecordRunnerNote(note), cancellationToken);
}
