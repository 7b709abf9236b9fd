using System.Diagnostics;
using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Core.Telemetry;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Runs;

/// <summary>
/// The three ways a started run ends, shared by its follower and by the reconciliation at start: published
/// (Succeeded, its progress completed from the manifest), cancelled (nothing of it kept) or failed. Each ending is a
/// span tagged with the run id (under the follower's <c>run</c> span, or on its own from the reconciliation at start),
/// and each run that ends here counts once in <c>oneoff.runs.{succeeded,failed,cancelled}</c>.
/// </summary>
public sealed class RunEndings(RunStore runs, IObjectStore store, TimeProvider time)
{
    /// <summary>The manifest of <paramref name="runId"/>; null when the run is not published.</summary>
    /// <exception cref="InvalidDataException">The manifest exists but cannot be read.</exception>
    public Task<RunManifest?> ReadManifestAsync(string runId, CancellationToken cancellationToken) =>
        new StoreProgress(store).ReadManifestAsync(runId, cancellationToken);

    /// <summary>Marks the run Succeeded with the best N and every size's metrics from <paramref name="manifest"/>.</summary>
    public async Task<RunSnapshot?> SucceedAsync(string runId, RunManifest manifest, CancellationToken cancellationToken)
    {
        using var activity = OneOffTelemetry.StartActivity("run.succeed", runId);
        string? handle = null;
        var ended = await runs.UpdateAsync(runId, r =>
        {
            handle = r.RunnerHandle;
            var models = manifest.Models.ToDictionary(m => m.NHidden);
            var sizes = RunSnapshot.From(r).Sizes
                .Select(s => models.Remove(s.NHidden, out var m) ? SizeProgress.Finished(m) : s)
                .ToList();
            sizes.AddRange(models.Values.Select(SizeProgress.Finished));
            return r.MarkSucceeded(time.GetUtcNow().UtcDateTime, manifest.BestNHidden, RunSnapshot.ToStored(sizes));
        }, cancellationToken).ConfigureAwait(false);
        return Ended(ended, handle, activity);
    }

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

        using var activity = OneOffTelemetry.StartActivity("run.cancel", runId);
        using var scope = OneOffTelemetry.EnterRun(runId);
        string? handle = null;
        await store.DeletePrefixAsync(RunKeys.Run(runId), cancellationToken).ConfigureAwait(false);
        var ended = await runs.UpdateAsync(runId, r =>
        {
            handle = r.RunnerHandle;
            return r.MarkCancelled(time.GetUtcNow().UtcDateTime);
        }, cancellationToken).ConfigureAwait(false);
        return Ended(ended, handle, activity);
    }

    /// <summary>
    /// Marks the run Failed with <paramref name="reason"/> and deletes its unpublished partial outputs; a run being
    /// cancelled ends Cancelled instead.
    /// </summary>
    public Task<RunSnapshot?> FailAsync(string runId, string reason, CancellationToken cancellationToken) =>
        EndAsync(runId, "run.fail", r => r.MarkFailed(time.GetUtcNow().UtcDateTime, reason), cancellationToken);

    /// <summary>
    /// Marks a run whose job was found gone after a restart Failed with <paramref name="reason"/>, ending when the
    /// job was last seen (<see cref="RunRecord.MarkInterrupted"/>), and deletes its unpublished partial outputs; a
    /// run being cancelled ends Cancelled instead.
    /// </summary>
    public Task<RunSnapshot?> InterruptAsync(string runId, string reason, CancellationToken cancellationToken) =>
        EndAsync(runId, "run.interrupt", r => r.MarkInterrupted(time.GetUtcNow().UtcDateTime, reason), cancellationToken);

    // The outputs go before the record says Failed (as for Cancelled): whoever sees the run ended sees it cleaned up.
    private async Task<RunSnapshot?> EndAsync(string runId, string spanName, Func<RunRecord, bool> fail, CancellationToken cancellationToken)
    {
        if (await runs.FindAsync(runId, cancellationToken).ConfigureAwait(false) is not { IsFinished: false })
        {
            return null;
        }

        using var activity = OneOffTelemetry.StartActivity(spanName, runId);
        using var scope = OneOffTelemetry.EnterRun(runId);
        string? handle = null;
        await DeleteUnpublishedAsync(runId, cancellationToken).ConfigureAwait(false);
        var failed = await runs.UpdateAsync(runId, r =>
        {
            handle = r.RunnerHandle;
            return fail(r);
        }, cancellationToken).ConfigureAwait(false);
        return failed is null
            ? await CancelAsync(runId, cancellationToken).ConfigureAwait(false)
            : Ended(failed, handle, activity);
    }

    // Counts a run that has just ended (once: a refused transition returns null) and tags its span with the ending.
    private static RunSnapshot? Ended(RunSnapshot? ended, string? handle, Activity? activity)
    {
        if (ended is not { IsFinished: true })
        {
            return ended;
        }

        var runner = JobHandle.TryParse(handle)?.Runner;
        switch (ended.State)
        {
            case RunState.Succeeded:
                OneOffTelemetry.RecordRunSucceeded(runner);
                break;
            case RunState.Failed:
                OneOffTelemetry.RecordRunFailed(runner);
                activity?.SetStatus(ActivityStatusCode.Error, ended.Error);
                break;
            case RunState.Cancelled:
                OneOffTelemetry.RecordRunCancelled(runner);
                break;
        }

        activity?.SetTag(OneOffTelemetry.RunStateAttribute, ended.State.ToString());
        activity?.SetTag(OneOffTelemetry.RunnerAttribute, runner ?? OneOffTelemetry.NoRunner);
        return ended;
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
