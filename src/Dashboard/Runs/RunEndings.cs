using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Runs;

/// <summary>
/// The three ways a started run ends, shared by its follower and by the reconciliation at start: published
/// (Succeeded, its progress completed from the manifest), cancelled (nothing of it kept) or failed.
/// </summary>
public sealed class RunEndings(RunStore runs, IObjectStore store, TimeProvider time)
{
    /// <summary>The manifest of <paramref name="runId"/>; null when the run is not published.</summary>
    /// <exception cref="InvalidDataException">The manifest exists but cannot be read.</exception>
    public Task<RunManifest?> ReadManifestAsync(string runId, CancellationToken cancellationToken) =>
        new StoreProgress(store).ReadManifestAsync(runId, cancellationToken);

    /// <summary>Marks the run Succeeded with the best N and every size's metrics from <paramref name="manifest"/>.</summary>
    public Task<RunSnapshot?> SucceedAsync(string runId, RunManifest manifest, CancellationToken cancellationToken) =>
        runs.UpdateAsync(runId, r =>
        {
            var models = manifest.Models.ToDictionary(m => m.NHidden);
            var sizes = RunSnapshot.From(r).Sizes
                .Select(s => models.Remove(s.NHidden, out var m) ? SizeProgress.Finished(m) : s)
                .ToList();
            sizes.AddRange(models.Values.Select(SizeProgress.Finished));
            return r.MarkSucceeded(time.GetUtcNow().UtcDateTime, manifest.BestNHidden, RunSnapshot.ToStored(sizes));
        }, cancellationToken);

    /// <summary>
    /// Deletes what a Cancelling run wrote (it never published, and partial outputs are of no use), then marks it
    /// Cancelled; null, and nothing deleted, when the run is not Cancelling.
    /// </summary>
    public async Task<RunSnapshot?> CancelAsync(string runId, CancellationToken cancellationToken)
    {
        if (await runs.FindAsync(runId, cancellationToken).ConfigureAwait(false) is not { State: RunState.Cancelling })
        {
            return null;
        }

        await store.DeletePrefixAsync(RunKeys.Run(runId), cancellationToken).ConfigureAwait(false);
        return await runs.UpdateAsync(runId, r => r.MarkCancelled(time.GetUtcNow().UtcDateTime), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks the run Failed with <paramref name="reason"/> and deletes its unpublished partial outputs; a run being
    /// cancelled ends Cancelled instead.
    /// </summary>
    public Task<RunSnapshot?> FailAsync(string runId, string reason, CancellationToken cancellationToken) =>
        EndAsync(runId, r => r.MarkFailed(time.GetUtcNow().UtcDateTime, reason), cancellationToken);

    /// <summary>
    /// Marks a run whose job was found gone after a restart Failed with <paramref name="reason"/>, ending when the
    /// job was last seen (<see cref="RunRecord.MarkInterrupted"/>), and deletes its unpublished partial outputs; a
    /// run being cancelled ends Cancelled instead.
    /// </summary>
    public Task<RunSnapshot?> InterruptAsync(string runId, string reason, CancellationToken cancellationToken) =>
        EndAsync(runId, r => r.MarkInterrupted(time.GetUtcNow().UtcDateTime, reason), cancellationToken);

    // The outputs go before the record says Failed (as for Cancelled): whoever sees the run ended sees it cleaned up.
    private async Task<RunSnapshot?> EndAsync(string runId, Func<RunRecord, bool> fail, CancellationToken cancellationToken)
    {
        if (await runs.FindAsync(runId, cancellationToken).ConfigureAwait(false) is not { IsFinished: false })
        {
            return null;
        }

        await DeleteUnpublishedAsync(runId, cancellationToken).ConfigureAwait(false);
        return await runs.UpdateAsync(runId, fail, cancellationToken).ConfigureAwait(false)
            ?? await CancelAsync(runId, cancellationToken).ConfigureAwait(false);
    }

    // A run that ended without a manifest is never published, and its partial outputs (tens of MB for a large run)
    // are of no use; a manifest, however it got there, keeps everything (the outputs are then the run's results).
    private async Task DeleteUnpublishedAsync(string runId, CancellationToken cancellationToken)
    {
        if (!await store.ExistsAsync(RunKeys.Manifest(runId), cancellationToken).ConfigureAwait(false))
        {
            await store.DeletePrefixAsync(RunKeys.Run(runId), cancellationToken).ConfigureAwait(false);
        }
    }
}
