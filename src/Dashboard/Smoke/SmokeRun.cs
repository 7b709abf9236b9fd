using System.Text;
using OneOff.Core.Compute;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Smoke;

/// <summary>What the operator asked for.</summary>
/// <param name="Keep">Keep the smoke run's objects (its runs' outputs and <c>smoke/{id}/report.txt</c>).</param>
/// <param name="LeaseCheck">Also start the lease check's cluster.</param>
/// <param name="Timeout">The whole run's limit: past it every cluster is terminated and the rest is NOT confirmed.</param>
internal sealed record SmokeSettings(bool Keep, bool LeaseCheck, TimeSpan Timeout);

/// <summary>
/// The smoke run: S3 and EMR first (nothing else can work without them), then the jobs at once, since on AWS each
/// cluster takes minutes (the tiny job, a job meant to fail at its first step, one cancelled while it provisions,
/// and with <c>--lease-check</c> the lease's), then the items judged from them, then Athena, then the clean-up.
/// </summary>
internal sealed class SmokeRun(SmokeContext context, SmokeSettings settings, Func<IReadOnlyDictionary<string, string?>, SmokeContext>? leaseComposition)
{
    /// <summary>The marker that takes the failing run's id, so that its generate step refuses it.</summary>
    public const string OccupiedMarker = "smoke-occupied.txt";

    /// <summary>
    /// Runs every check into <paramref name="report"/> and names the smoke runs in <paramref name="runIds"/> (for
    /// the clean-up). An interruption (<paramref name="interrupted"/>) terminates the clusters started so far and
    /// ends the jobs' items; before the jobs it ends the run with <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task RunAsync(SmokeReport report, List<string> runIds, CancellationToken interrupted)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(runIds);
        var s3 = await StoreAndClusterChecks.S3Async(context, interrupted).ConfigureAwait(false);
        report.Add(s3);
        var emr = s3.Verdict == SmokeVerdict.NotConfirmed
            ? SmokeItem.NotConfirmed(StoreAndClusterChecks.EmrListItem, "not tried: S3 failed")
            : await StoreAndClusterChecks.EmrListAsync(context, interrupted).ConfigureAwait(false);
        report.Add(emr);

        if (emr.Verdict == SmokeVerdict.NotConfirmed)
        {
            const string Skipped = "not tried: S3 or EMR failed above";
            report.AddRange([.. new[] { JobChecks.EndToEndItem, JobChecks.TimingsItem, JobChecks.TerminatedItem, JobChecks.StepLogsItem, JobChecks.FailureItem, JobChecks.CancelItem }
                .Select(n => SmokeItem.NotConfirmed(n, Skipped))]);
            report.Add(settings.LeaseCheck ? SmokeItem.NotConfirmed(LeaseCheck.Item, Skipped) : LeaseCheck.NotAsked());
            report.AddRange(await AthenaChecks.RunAsync(context, null, interrupted).ConfigureAwait(false));
            return;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(interrupted);
        limit.CancelAfter(settings.Timeout);
        var token = limit.Token;

        var okId = $"{context.SmokeId}-ok";
        var failId = $"{context.SmokeId}-fail";
        var cancelId = $"{context.SmokeId}-cancel";
        var leaseId = $"{context.SmokeId}-lease";
        runIds.AddRange([okId, failId, cancelId]);
        await context.Store.PutAsync(RunKeys.Run(failId) + OccupiedMarker,
            Encoding.UTF8.GetBytes($"Taken on purpose by smoke run {context.SmokeId}: its generate step must refuse this run id.\n"), interrupted).ConfigureAwait(false);

        // One start at a time (the bundle uploads once), then every cluster runs at once.
        var ok = await SmokeJob.StartAsync(context, "job", JobChecks.TinyRun(okId), token).ConfigureAwait(false);
        var fail = await SmokeJob.StartAsync(context, "failure", JobChecks.TinyRun(failId), token).ConfigureAwait(false);
        var cancel = await SmokeJob.StartAsync(context, "cancel", JobChecks.TinyRun(cancelId), token).ConfigureAwait(false);
        SmokeJob? lease = null;
        if (settings.LeaseCheck && leaseComposition is not null)
        {
            runIds.Add(leaseId);
            var leaseContext = leaseComposition(LeaseCheck.Overrides);
            lease = await SmokeJob.StartAsync(leaseContext, "lease", LeaseCheck.LongRun(leaseId), token).ConfigureAwait(false);
        }

        var following = new[]
        {
            ok.FollowAsync(token),
            fail.FollowAsync(token),
            // Cancelled as soon as its first phase shows: TerminateJobFlows on a cluster this deployment tagged.
            cancel.FollowAsync(token, async (job, e) =>
            {
                if (e is JobPhase && !job.CancelledBySmoke)
                {
                    context.Progress($"cancel: terminating {job.Execution?.Handle} on request");
                    await job.CancelAsync().ConfigureAwait(false);
                }
            }),
        };
        var leaseFollowing = lease?.FollowAsync(token);
        await Task.WhenAll(following).ConfigureAwait(false);

        // The judging needs a few quick calls: made even after an interruption, so that the report is whole.
        report.Add(await JobChecks.EndToEndAsync(context, ok, CancellationToken.None).ConfigureAwait(false));
        report.Add(JobChecks.Timings(context, ok));
        report.Add(await JobChecks.TerminatedAsync(context, ok, CancellationToken.None).ConfigureAwait(false));
        report.Add(ok.Published && !interrupted.IsCancellationRequested
            ? await JobChecks.StepLogsAsync(context, ok, interrupted).ConfigureAwait(false)
            : SmokeItem.NotConfirmed(JobChecks.StepLogsItem, JobChecks.Unstarted(ok) ?? "not looked for: the tiny job did not publish"));
        report.Add(JobChecks.Failure(context, fail));
        report.Add(await JobChecks.CancelledAsync(context, cancel, CancellationToken.None).ConfigureAwait(false));
        report.Add(lease is null || leaseFollowing is null
            ? LeaseCheck.NotAsked()
            : await LeaseCheck.JudgeAsync(context, lease, leaseFollowing).ConfigureAwait(false));
        report.AddRange(await AthenaChecks.RunAsync(context, ok.Published ? ok : null, CancellationToken.None).ConfigureAwait(false));
    }
}
