using System.Globalization;
using OneOff.Aws.Compute;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Smoke;

/// <summary>
/// The cluster-side lease (ARCHITECTURE "The EMR path" item 7): with <c>--lease-check</c>, a run far too long to
/// finish starts on a cluster whose lease is the shortest the options allow, and the primary node's scheduled
/// shutdown must end the cluster by itself (the smoke run neither cancels it nor runs the reaper). On AWS it costs
/// a cluster for about the provisioning time plus <see cref="LeaseMinutes"/>.
/// </summary>
internal static class LeaseCheck
{
    public const string Item = "cluster.lease";

    /// <summary>The lease of the check's cluster: the least <c>OneOff:Aws:Emr:MaxLifetimeMinutes</c> the options accept (EmrOptionsValidator: 10).</summary>
    public const int LeaseMinutes = 10;

    /// <summary>Below the lease, as the options require; a cluster not running by then is terminated by the runner, which makes the check inconclusive.</summary>
    public const int StartTimeoutMinutes = 9;

    /// <summary>How long after the bootstrap the lease may take to end the cluster before the smoke run gives up and terminates it.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMinutes(15);

    /// <summary>What the check's composition changes: only the lease and the start timeout.</summary>
    public static IReadOnlyDictionary<string, string?> Overrides { get; } = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        [$"{EmrOptions.SectionName}:MaxLifetimeMinutes"] = LeaseMinutes.ToString(CultureInfo.InvariantCulture),
        [$"{EmrOptions.SectionName}:StartTimeoutMinutes"] = StartTimeoutMinutes.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A run that would train for hours: only the lease ends it.</summary>
    public static RunParameters LongRun(string runId) => new()
    {
        RunId = runId,
        TrainSize = 200_000,
        TestSize = 100,
        HiddenSizes = [2000],
        MaxIter = 10_000,
        Tol = 1e-12,
    };

    /// <summary>The item when <c>--lease-check</c> was not given.</summary>
    public static SmokeItem NotAsked() => SmokeItem.NotCheckable(Item,
        $"pass --lease-check to start a cluster with a {LeaseMinutes}-minute lease and a job too long to finish, and see the lease end it (costs one small cluster for about {LeaseMinutes + 10} minutes)");

    /// <summary>Follows the lease run; terminates it if the lease has not ended it within <see cref="Slack"/> after its bootstrap.</summary>
    public static async Task<SmokeItem> JudgeAsync(SmokeContext context, SmokeJob job, Task following)
    {
        if (JobChecks.Unstarted(job) is { } why)
        {
            return SmokeItem.NotConfirmed(Item, why);
        }

        // The lease counts from the bootstrap; a cluster still going that long after it is the lease not working.
        var limit = TimeSpan.FromMinutes(StartTimeoutMinutes + LeaseMinutes) + Slack;
        var late = false;
        if (await Task.WhenAny(following, Task.Delay(limit, context.Time)).ConfigureAwait(false) != following)
        {
            late = true;
            context.Progress($"lease: the cluster is still going after {SmokeTime.Format(limit)}; terminating it");
            await job.CancelAsync().ConfigureAwait(false);
            await following.ConfigureAwait(false);
        }

        var boot = job.FirstSeen("installing the job");
        var reason = job.Exit?.Reason ?? "no reason";
        var afterBoot = boot is { } b ? SmokeTime.Format(job.Total - b) : "an unknown time";
        if (late || job.Published || job.CancelledBySmoke)
        {
            return context.Judge(Item, accountOnly: true, SmokeObservation.Fail(job.Published
                ? $"run {job.RunId} published: the job finished within the lease, so the lease was not tested"
                : $"the lease of {LeaseMinutes} minutes did not end {job.Execution?.Handle}; the smoke run terminated it after {SmokeTime.Format(job.Total)}"));
        }

        if (reason.Contains("did not start", StringComparison.Ordinal) || reason.Contains("not running after", StringComparison.Ordinal) || boot is null)
        {
            return context.Judge(Item, accountOnly: true, SmokeObservation.Fail($"inconclusive: {job.Execution?.Handle} ended before its lease could run ({reason})"));
        }

        // On AWS the lease cannot end the cluster much before its minutes are up; earlier, something else did (the
        // stand-ins scale cluster-side minutes down, so there the order of events is all there is to see).
        if (!context.IsStandIn && boot is { } booted && job.Total - booted < TimeSpan.FromMinutes(LeaseMinutes - 1))
        {
            return context.Judge(Item, accountOnly: true, SmokeObservation.Fail($"{job.Execution?.Handle} ended {afterBoot} after its bootstrap, before its {LeaseMinutes}-minute lease could end it: {reason}"));
        }

        return context.Judge(Item, accountOnly: true, SmokeObservation.Pass(
            $"{job.Execution?.Handle} with a {LeaseMinutes}-minute lease ended by itself {afterBoot} after its bootstrap, mid-job (last phase '{job.Phases.LastOrDefault(p => !p.Phase.StartsWith("failed", StringComparison.Ordinal))?.Phase}'): {reason}"));
    }
}
