using System.Globalization;
using OneOff.Aws.Compute;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Smoke;

/// <summary>The items judged from the smoke run's jobs (ARCHITECTURE "The EMR path", items 4 to 8).</summary>
internal static class JobChecks
{
    public const string EndToEndItem = "job.end-to-end";
    public const string TimingsItem = "job.timings";
    public const string TerminatedItem = "cluster.terminated";
    public const string StepLogsItem = "logs.step-stderr";
    public const string FailureItem = "job.failure-details";
    public const string CancelItem = "cluster.cancel";

    /// <summary>What the failing run's generate step says when it refuses a run id that already has objects (XoStudy.EnsureNewAsync).</summary>
    public const string RefusalWords = "already exists";

    /// <summary>The tiny job: 200 training points, two small sizes, few iterations.</summary>
    public static RunParameters TinyRun(string runId) => new()
    {
        RunId = runId,
        TrainSize = 200,
        TestSize = 100,
        HiddenSizes = [3, 5],
        MaxIter = 20,
    };

    /// <summary>The run published its manifest through the runner, with every size, and the manifest is in the store.</summary>
    public static async Task<SmokeItem> EndToEndAsync(SmokeContext context, SmokeJob job, CancellationToken cancellationToken)
    {
        if (Unstarted(job) is { } why)
        {
            return SmokeItem.NotConfirmed(EndToEndItem, why);
        }

        var sizes = job.Parameters.HiddenSizes.Length;
        if (!job.Published || job.Exit?.Reason is not null)
        {
            return context.Judge(EndToEndItem, accountOnly: false, SmokeObservation.Fail($"run {job.RunId} on {job.Execution?.Handle} did not publish: {job.Exit?.Reason ?? "no reason given"}"));
        }

        var manifest = RunKeys.Manifest(job.RunId);
        var stored = await context.Store.ExistsAsync(manifest, cancellationToken).ConfigureAwait(false);
        return context.Judge(EndToEndItem, accountOnly: false, stored && job.ModelsDone == sizes
            ? SmokeObservation.Pass(string.Create(CultureInfo.InvariantCulture,
                $"run {job.RunId} ({job.Parameters.TrainSize} points, sizes {string.Join(',', job.Parameters.HiddenSizes)}) published {context.Store.Root}/{manifest} from {job.Execution?.Handle} with {job.ModelsDone} of {sizes} sizes"))
            : SmokeObservation.Fail(string.Create(CultureInfo.InvariantCulture,
                $"run {job.RunId} reported published, but {(stored ? $"only {job.ModelsDone} of {sizes} sizes were reported done" : $"{manifest} is not in the store")}")));
    }

    /// <summary>Real timings from the phases the runner reported (each within one poll), against the form's estimate.</summary>
    public static SmokeItem Timings(SmokeContext context, SmokeJob job)
    {
        if (Unstarted(job) is { } why)
        {
            return SmokeItem.NotConfirmed(TimingsItem, why);
        }

        var boot = job.FirstSeen("installing the job");
        var running = job.Phases.FirstOrDefault(p => p.Phase is "starting the job" or "generating data" or "publishing" || p.Phase.StartsWith("training", StringComparison.Ordinal))?.At;
        var generate = job.FirstSeen("generating data");
        var train = job.FirstSeen("training");
        var publish = job.FirstSeen("publishing");
        var shutdown = job.FirstSeen("shutting down");
        var stepsEnd = shutdown ?? job.Total;
        if (!job.Published || running is null)
        {
            return context.Judge(TimingsItem, accountOnly: true, SmokeObservation.Fail(
                $"no timings: the run {(job.Published ? "published" : "did not publish")} and the phases seen were {Seen(job)}"));
        }

        var estimate = context.Runner.Estimate(job.Parameters).Duration;
        var detail = string.Join(", ",
            $"start {SmokeTime.Format(job.StartTook)} (bundle upload, RunJobFlow)",
            $"provisioning {Between(job.StartTook, boot ?? running)}",
            $"bootstrap {Between(boot, running)}",
            $"steps {Between(generate ?? running, stepsEnd)} (generate {Between(generate, train ?? publish ?? stepsEnd)}, train {Between(train, publish ?? stepsEnd)}, publish {Between(publish, stepsEnd)})",
            $"shutdown {Between(shutdown, job.Total)}",
            $"total {SmokeTime.Format(job.Total)}");
        return context.Judge(TimingsItem, accountOnly: true, SmokeObservation.Pass(
            $"{detail}; each within one poll ({SmokeTime.Format(context.RunnerOptions.PollInterval)}); the form's estimate was {SmokeTime.Format(estimate)}"));
    }

    /// <summary>The cluster is no longer active (ListClusters by its submission finds nothing) and its cost is known.</summary>
    public static async Task<SmokeItem> TerminatedAsync(SmokeContext context, SmokeJob job, CancellationToken cancellationToken)
    {
        if (Unstarted(job) is { } why)
        {
            return SmokeItem.NotConfirmed(TerminatedItem, why);
        }

        if (job.Exit is null)
        {
            return SmokeItem.NotConfirmed(TerminatedItem, "the run did not end");
        }

        if (await StillActiveAsync(context, job, cancellationToken).ConfigureAwait(false) is { } active)
        {
            return context.Judge(TerminatedItem, accountOnly: false, SmokeObservation.Fail(active));
        }

        return context.Judge(TerminatedItem, accountOnly: false, job.Exit.Cost is { } cost
            ? SmokeObservation.Pass($"{job.Execution?.Handle} ended by itself and is no longer active (ListClusters); it cost {cost} from its instances' timelines (ListInstances)")
            : SmokeObservation.Fail($"{job.Execution?.Handle} is no longer active, but its cost is unknown: ListInstances gave no instance timelines"));
    }

    /// <summary>
    /// The successful run's step logs reach <c>{LogUri}{clusterId}/steps/{stepId}/stderr.gz</c> (ARCHITECTURE "The
    /// EMR path" item 5) within <c>OneOff:Aws:Emr:LogWaitMinutes</c> of the cluster's end: where the runner looks for
    /// a failed step's last lines.
    /// </summary>
    public static async Task<SmokeItem> StepLogsAsync(SmokeContext context, SmokeJob job, CancellationToken cancellationToken)
    {
        if (Unstarted(job) is { } why)
        {
            return SmokeItem.NotConfirmed(StepLogsItem, why);
        }

        if (job.Execution is null)
        {
            return SmokeItem.NotConfirmed(StepLogsItem, "the run did not start");
        }

        var logUri = context.Emr.ResolveLogUri(context.Store.Location);
        if (context.LogKeyPrefix is not { } logKey)
        {
            return context.Judge(StepLogsItem, accountOnly: true, SmokeObservation.Fail(
                $"the LogUri {logUri} is outside {context.Store.Root}/: the control plane does not read logs there (leave OneOff:Aws:Emr:LogUri unset, or put it under the prefix)"));
        }

        var clusterId = job.Execution.Handle.Id;
        var folder = $"{logKey}{clusterId}/steps/";
        context.Progress($"logs: waiting up to {context.Emr.LogWaitMinutes} minutes for {logUri}{clusterId}/steps/*/stderr.gz");
        var waited = context.Time.GetTimestamp();
        var deadline = TimeSpan.FromMinutes(context.Emr.LogWaitMinutes);
        var interval = TimeSpan.FromMilliseconds(Math.Min(context.RunnerOptions.PollInterval.TotalMilliseconds, 5000));
        var steps = new SortedSet<string>(StringComparer.Ordinal);
        while (true)
        {
            try
            {
                await foreach (var key in context.Store.ListAsync(folder, cancellationToken).ConfigureAwait(false))
                {
                    // {folder}{stepId}/stderr.gz: the step's own folder, as EMR lays it out.
                    var rest = key[folder.Length..];
                    if (rest.EndsWith("/stderr.gz", StringComparison.Ordinal) && rest.IndexOf('/', StringComparison.Ordinal) == rest.Length - "/stderr.gz".Length)
                    {
                        steps.Add(rest[..rest.IndexOf('/', StringComparison.Ordinal)]);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return context.Judge(StepLogsItem, accountOnly: true, SmokeObservation.Fail($"listing {logUri}{clusterId}/steps/ failed: {e.Message}"));
            }

            var after = context.Time.GetElapsedTime(waited);
            if (steps.Count >= EmrStepNames.InOrder.Count || (steps.Count > 0 && after >= deadline))
            {
                return context.Judge(StepLogsItem, accountOnly: true, SmokeObservation.Pass(string.Create(CultureInfo.InvariantCulture,
                    $"{steps.Count} of {EmrStepNames.InOrder.Count} steps' stderr.gz at {logUri}{clusterId}/steps/{{{string.Join(',', steps)}}}/ within {SmokeTime.Format(after)} of the cluster's end (LogWaitMinutes {context.Emr.LogWaitMinutes})")));
            }

            if (after >= deadline)
            {
                return context.Judge(StepLogsItem, accountOnly: true, SmokeObservation.Fail(
                    $"no step's stderr.gz reached {logUri}{clusterId}/steps/ within LogWaitMinutes ({context.Emr.LogWaitMinutes}): the runner could not add a failed step's last lines"));
            }

            await Task.Delay(interval, context.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The failing run (its id already taken in the store, so the job's <c>generate</c> step refuses it with exit 2)
    /// fails at that step with EMR's failure details and the step's own last lines from its stderr.gz.
    /// </summary>
    public static SmokeItem Failure(SmokeContext context, SmokeJob job)
    {
        if (Unstarted(job) is { } why)
        {
            return SmokeItem.NotConfirmed(FailureItem, why);
        }

        var reason = job.Exit?.Reason;
        if (job.Published || reason is null)
        {
            return context.Judge(FailureItem, accountOnly: true, SmokeObservation.Fail($"run {job.RunId} was meant to fail at its generate step, but it {(job.Published ? "published" : "ended with no reason")}"));
        }

        if (!reason.Contains(EmrStepNames.Generate, StringComparison.Ordinal))
        {
            return context.Judge(FailureItem, accountOnly: true, SmokeObservation.Fail($"run {job.RunId} failed, but not at its generate step: {reason}"));
        }

        return context.Judge(FailureItem, accountOnly: true, reason.Contains(RefusalWords, StringComparison.Ordinal)
            ? SmokeObservation.Pass($"run {job.RunId} on {job.Execution?.Handle} failed as meant, with the step's own words: {reason}")
            : SmokeObservation.Fail($"run {job.RunId} failed at generate, but the reason lacks the step's stderr (its log did not arrive within LogWaitMinutes, or FailureDetails.LogFile is wrong): {reason}"));
    }

    /// <summary>The cancelled run's cluster was terminated on request (TerminateJobFlows on a tagged cluster) and followed to its end.</summary>
    public static async Task<SmokeItem> CancelledAsync(SmokeContext context, SmokeJob job, CancellationToken cancellationToken)
    {
        if (Unstarted(job) is { } why)
        {
            return SmokeItem.NotConfirmed(CancelItem, why);
        }

        var reason = job.Exit?.Reason;
        if (job.Published || reason is null || !reason.StartsWith("cancelled", StringComparison.Ordinal))
        {
            return context.Judge(CancelItem, accountOnly: true, SmokeObservation.Fail($"run {job.RunId} was cancelled at '{job.Phases.FirstOrDefault()?.Phase}', but it ended {(job.Published ? "published" : $"with: {reason ?? "no reason"}")}"));
        }

        if (await StillActiveAsync(context, job, cancellationToken).ConfigureAwait(false) is { } active)
        {
            return context.Judge(CancelItem, accountOnly: true, SmokeObservation.Fail(active));
        }

        return context.Judge(CancelItem, accountOnly: true, SmokeObservation.Pass(
            $"TerminateJobFlows of {job.Execution?.Handle} at '{job.Phases.FirstOrDefault()?.Phase}' took; followed to its end in {SmokeTime.Format(job.Total)}: {reason}"));
    }

    /// <summary>Why an item of <paramref name="job"/> cannot be judged, or null.</summary>
    public static string? Unstarted(SmokeJob job) =>
        job.StartError is { } error ? $"run {job.RunId} could not start: {error}"
        : job.CancelledBySmoke && job.Label != "cancel" ? $"run {job.RunId} was interrupted (Ctrl+C or --timeout) and its cluster terminated"
        : null;

    /// <summary>Why the job's cluster still counts as active, or null when ListClusters of the active ones no longer has it.</summary>
    private static async Task<string?> StillActiveAsync(SmokeContext context, SmokeJob job, CancellationToken cancellationToken)
    {
        try
        {
            var found = await context.Runner.FindStartedAsync(job.Request, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                return null;
            }

            await found.DisposeAsync().ConfigureAwait(false);
            return $"{found.Handle} of run {job.RunId} is still active after the run ended; terminate it (aws emr terminate-clusters --cluster-ids {found.Handle.Id})";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"could not tell whether {job.Execution?.Handle} is still active: {e.Message}";
        }
    }

    private static string Between(TimeSpan? from, TimeSpan? to) =>
        from is { } a && to is { } b ? SmokeTime.Format(b - a) : "not seen";

    private static string Seen(SmokeJob job) =>
        job.Phases.Count == 0 ? "none" : string.Join(" → ", job.Phases.Select(p => p.Phase));
}
