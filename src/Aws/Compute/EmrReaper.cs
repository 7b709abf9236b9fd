using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OneOff.Aws.Clients;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Clients.Emr.Models;
using OneOff.Core.Compute;
using OneOff.Core.Configuration;
using OneOff.Core.Telemetry;

namespace OneOff.Aws.Compute;

/// <summary>Why the reaper terminated a cluster.</summary>
public enum ReaperReason
{
    /// <summary>The cluster's <c>oneoff:lease-expires</c> time has passed.</summary>
    LeaseExpired,

    /// <summary>The cluster's run has ended, and the cluster is older than the grace period.</summary>
    RunFinished,

    /// <summary>The cluster's run has no record here (or the cluster names no run), and it is older than the grace period.</summary>
    RunUnknown,
}

/// <summary>One cluster the reaper terminated.</summary>
/// <param name="RunId">The cluster's <c>oneoff:run-id</c> tag; null when it has none.</param>
/// <param name="ClusterId">The cluster (<c>j-…</c>).</param>
/// <param name="Reason">Why.</param>
/// <param name="Message">Why, in plain words (what the run record shows).</param>
public sealed record ReaperTermination(string? RunId, string ClusterId, ReaperReason Reason, string Message);

/// <summary>
/// The third layer against orphan clusters (ARCHITECTURE.md, "The EMR path" item 7): terminates this deployment's
/// active clusters whose lease expired, or whose run is finished or unknown once they are older than
/// <see cref="EmrReaperOptions.OrphanGraceMinutes"/>. A cluster counts as this deployment's only by its
/// <c>oneoff:deployment</c> tag: another deployment's cluster, or one without the tag, is never touched, and a
/// cluster whose tags cannot be read is skipped (and logged) rather than guessed about.
/// </summary>
public sealed partial class EmrReaper
{
    /// <summary>The states a cluster that still costs money and can be terminated is in (TERMINATING is already going).</summary>
    internal static IReadOnlyList<string> ActiveStates { get; } =
        [EmrClusterState.Starting, EmrClusterState.Bootstrapping, EmrClusterState.Running, EmrClusterState.Waiting];

    private readonly EmrClient _emr;
    private readonly IRunLookup _runs;
    private readonly string _deploymentId;
    private readonly EmrReaperOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    internal EmrReaper(EmrClient emr, IRunLookup runs, IOptions<DeploymentOptions> deployment, IOptions<EmrReaperOptions> options, TimeProvider time, ILogger<EmrReaper> logger)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(options);
        _emr = emr ?? throw new ArgumentNullException(nameof(emr));
        _runs = runs ?? throw new ArgumentNullException(nameof(runs));
        _deploymentId = deployment.Value.DeploymentId;
        _options = options.Value;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>
    /// One look: lists the active clusters (every page), reads each one's tags and terminates those of this
    /// deployment that are no longer wanted. A cluster that cannot be described, asked about or terminated is
    /// logged and left for the next look; the others go on.
    /// </summary>
    /// <returns>The clusters terminated by this look.</returns>
    /// <exception cref="InvalidOperationException">Listing the clusters failed (the AWS error's message says why).</exception>
    public async Task<IReadOnlyList<ReaperTermination>> SweepAsync(CancellationToken cancellationToken = default)
    {
        // One span per look, whatever started it (the reaper's timer, a test): the EMR calls are its children.
        using var activity = OneOffTelemetry.StartActivity("emr.reaper.sweep");
        activity?.SetTag("oneoff.deployment", _deploymentId);
        // The whole list first: the markers stay valid, and clusters started while this look runs wait for the next.
        List<ClusterSummary> clusters;
        try
        {
            clusters = await _emr.ListAllClustersAsync(new ListClustersRequest { ClusterStates = ActiveStates }, cancellationToken)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e)
        {
            throw new InvalidOperationException($"Listing the EMR clusters failed: {e.Message}", e);
        }

        var terminated = new List<ReaperTermination>();
        foreach (var summary in clusters)
        {
            if (summary.Id is not { Length: > 0 } clusterId)
            {
                continue;
            }

            var termination = await DecideAsync(clusterId, cancellationToken).ConfigureAwait(false);
            if (termination is not null && await TerminateAsync(termination, cancellationToken).ConfigureAwait(false))
            {
                terminated.Add(termination);
            }
        }

        LogSwept(_logger, _deploymentId, clusters.Count, terminated.Count);
        activity?.SetTag("oneoff.reaper.clusters", clusters.Count);
        activity?.SetTag("oneoff.reaper.terminated", terminated.Count);
        return terminated;
    }

    /// <summary>The termination <paramref name="clusterId"/> is due for, or null to leave it alone.</summary>
    private async Task<ReaperTermination?> DecideAsync(string clusterId, CancellationToken cancellationToken)
    {
        Cluster? cluster;
        try
        {
            cluster = (await _emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = clusterId }, cancellationToken).ConfigureAwait(false)).Cluster;
        }
        catch (AwsServiceException e)
        {
            LogUnreadable(_logger, clusterId, e.Message);
            return null;
        }

        if (cluster?.Tags is null)
        {
            LogUnreadable(_logger, clusterId, "DescribeCluster returned no tags");
            return null;
        }

        if (!string.Equals(EmrTags.Find(cluster.Tags, EmrTags.Deployment), _deploymentId, StringComparison.Ordinal)
            || EmrClusterState.IsFinal(cluster.Status?.State) || cluster.Status?.State == EmrClusterState.Terminating)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var runId = EmrTags.Find(cluster.Tags, EmrTags.RunId) is { Length: > 0 } tagged ? tagged : null;
        if (EmrTags.ParseTime(EmrTags.Find(cluster.Tags, EmrTags.LeaseExpires)) is { } lease && lease < now)
        {
            return new ReaperTermination(runId, clusterId, ReaperReason.LeaseExpired,
                $"The EMR reaper terminated cluster {clusterId}: its lease expired at {EmrTags.FormatTime(lease)}.");
        }

        // Too young to judge: the run record may not have saved the cluster id yet (RunJobFlow, then the record).
        if (cluster.Status?.Timeline?.CreationDateTime is not { } created || now - created < _options.OrphanGrace)
        {
            return null;
        }

        var presence = RunPresence.Unknown;
        if (runId is not null)
        {
            try
            {
                presence = await _runs.FindAsync(runId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogLookupFailed(_logger, e, clusterId, runId);
                return null;
            }
        }

        var grace = _options.OrphanGraceMinutes;
        return presence switch
        {
            RunPresence.Finished => new ReaperTermination(runId, clusterId, ReaperReason.RunFinished,
                $"The EMR reaper terminated cluster {clusterId}: the run had ended and the cluster was still up {grace} minutes after it started."),
            RunPresence.Unknown => new ReaperTermination(runId, clusterId, ReaperReason.RunUnknown,
                runId is null
                    ? $"The EMR reaper terminated cluster {clusterId}: it names no run and was older than {grace} minutes."
                    : $"The EMR reaper terminated cluster {clusterId}: no run '{runId}' is known here and the cluster was older than {grace} minutes."),
            _ => null,
        };
    }

    private async Task<bool> TerminateAsync(ReaperTermination termination, CancellationToken cancellationToken)
    {
        // TerminateJobFlows is made on the run's behalf: its span carries the run id (when the cluster names one).
        using var run = OneOffTelemetry.EnterRun(termination.RunId);
        try
        {
            await _emr.TerminateJobFlowsAsync(new TerminateJobFlowsRequest { JobFlowIds = [termination.ClusterId] }, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e)
        {
            LogTerminateFailed(_logger, termination.ClusterId, termination.RunId, e.Message);
            return false;
        }

        LogTerminated(_logger, termination.RunId, termination.ClusterId, termination.Reason, termination.Message);
        OneOffTelemetry.RecordReaperTermination(termination.Reason.ToString());
        if (termination.RunId is { } runId && termination.Reason != ReaperReason.RunUnknown)
        {
            try
            {
                await _runs.NoteAsync(runId, termination.Message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogNoteFailed(_logger, e, runId);
            }
        }

        return true;
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "EMR reaper terminated cluster {ClusterId} of run {RunId} ({Reason}): {Text}")]
    private static partial void LogTerminated(ILogger logger, string? runId, string clusterId, ReaperReason reason, string text);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "EMR reaper skipped cluster {ClusterId}: its tags could not be read ({Error}); the next look tries again")]
    private static partial void LogUnreadable(ILogger logger, string clusterId, string error);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Warning, Message = "EMR reaper skipped cluster {ClusterId}: asking about run {RunId} failed; the next look tries again")]
    private static partial void LogLookupFailed(ILogger logger, Exception exception, string clusterId, string runId);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Error, Message = "EMR reaper could not terminate cluster {ClusterId} of run {RunId}: {Error}; the next look tries again")]
    private static partial void LogTerminateFailed(ILogger logger, string clusterId, string? runId, string error);

    [LoggerMessage(EventId = 2205, Level = LogLevel.Warning, Message = "EMR reaper could not note the termination in the record of run {RunId}")]
    private static partial void LogNoteFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(EventId = 2206, Level = LogLevel.Debug, Message = "EMR reaper looked at {Count} active clusters for deployment {DeploymentId}; terminated {Terminated}")]
    private static partial void LogSwept(ILogger logger, string deploymentId, int count, int terminated);
}
