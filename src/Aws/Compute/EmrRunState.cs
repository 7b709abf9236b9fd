using System.Globalization;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Clients.Emr.Models;

namespace OneOff.Aws.Compute;

/// <summary>Where a run on EMR stands, in the run record's terms.</summary>
public enum EmrRunStage
{
    /// <summary>The cluster is being provisioned or is installing the job (run state Starting).</summary>
    Starting,

    /// <summary>A step is running or about to (run state Running).</summary>
    Running,

    /// <summary>The cluster is shutting down; the outcome is not known yet.</summary>
    Ending,

    /// <summary>The cluster is gone and the run is published.</summary>
    Succeeded,

    /// <summary>The cluster is gone and the run is not published; the cluster failed.</summary>
    Failed,

    /// <summary>The cluster was terminated on request (a cancel, the reaper) before the run was published.</summary>
    Cancelled,
}

/// <summary>A run's stage and the phase the run page and the run list show.</summary>
/// <param name="Stage">The stage.</param>
/// <param name="Phase">What is happening, in plain words ("provisioning", "training: 3 of 10 sizes done").</param>
public sealed record EmrRunStatus(EmrRunStage Stage, string Phase)
{
    /// <summary>True once the cluster is gone (Succeeded, Failed or Cancelled).</summary>
    public bool IsFinal => Stage is EmrRunStage.Succeeded or EmrRunStage.Failed or EmrRunStage.Cancelled;
}

/// <summary>How many hidden sizes are done (their <c>metrics/n_hidden=N</c> partition exists) of how many.</summary>
/// <param name="Done">Sizes done.</param>
/// <param name="Total">Sizes of the run.</param>
public readonly record struct EmrTrainingProgress(int Done, int Total);

/// <summary>
/// Maps what EMR says about a cluster and its steps to the run's stage and phase (ARCHITECTURE.md, "The EMR path"
/// item 4). A pure function: the poller feeds it <c>DescribeCluster</c>, <c>ListSteps</c>, the store-progress scan
/// and whether <c>_manifest.json</c> exists.
/// </summary>
internal static class EmrRunState
{
    /// <summary>
    /// The stage and phase: STARTING → Starting "provisioning"; BOOTSTRAPPING → Starting "installing the job";
    /// RUNNING or WAITING → Running with the phase of the first step not yet completed ("generating data",
    /// "training: N of M sizes done", "publishing"); TERMINATING → Ending; TERMINATED or TERMINATED_WITH_ERRORS →
    /// Succeeded when the manifest exists (it is written last, so the run is complete whatever ended the cluster
    /// afterwards: the manifest decides, as after a cancel), else Cancelled for USER_REQUEST, else Failed.
    /// </summary>
    /// <param name="clusterState"><c>Status.State</c> (see <see cref="EmrClusterState"/>).</param>
    /// <param name="stateChangeReasonCode"><c>Status.StateChangeReason.Code</c>, e.g. <c>ALL_STEPS_COMPLETED</c>, <c>USER_REQUEST</c>.</param>
    /// <param name="steps">The cluster's steps (any order; steps that are not OneOff's are ignored).</param>
    /// <param name="manifestExists">Whether the run's <c>_manifest.json</c> exists.</param>
    /// <param name="training">Sizes done while <c>train</c> runs, when known.</param>
    public static EmrRunStatus Map(
        string? clusterState, string? stateChangeReasonCode, IReadOnlyList<StepSummary>? steps, bool manifestExists, EmrTrainingProgress? training = null)
    {
        steps ??= [];
        switch (clusterState)
        {
            case EmrClusterState.Starting:
                return new(EmrRunStage.Starting, "provisioning");
            case EmrClusterState.Bootstrapping:
                return new(EmrRunStage.Starting, "installing the job");
            case EmrClusterState.Running or EmrClusterState.Waiting:
                return RunningPhase(steps, training);
            case EmrClusterState.Terminating:
                return new(EmrRunStage.Ending, FailedStep(steps) is { } failedWhileEnding
                    ? $"step {failedWhileEnding} failed; the cluster is shutting down"
                    : "shutting down the cluster");
            case EmrClusterState.Terminated or EmrClusterState.TerminatedWithErrors:
                if (manifestExists)
                {
                    return new(EmrRunStage.Succeeded, "published");
                }

                if (stateChangeReasonCode == EmrClusterReason.UserRequest)
                {
                    return new(EmrRunStage.Cancelled, "cancelled: the cluster was terminated on request");
                }

                return new(EmrRunStage.Failed, stateChangeReasonCode == EmrClusterReason.AllStepsCompleted
                    ? "failed: every step completed but the run has no manifest"
                    : "failed");
            default:
                // A state this code does not know (EMR adds some now and then): keep following, say so.
                return new(EmrRunStage.Running, $"cluster {(string.IsNullOrEmpty(clusterState) ? "state unknown" : clusterState)}");
        }
    }

    private static EmrRunStatus RunningPhase(IReadOnlyList<StepSummary> steps, EmrTrainingProgress? training)
    {
        if (FailedStep(steps) is { } failed)
        {
            return new(EmrRunStage.Ending, $"step {failed} failed; the cluster is shutting down");
        }

        foreach (var name in EmrStepNames.InOrder)
        {
            var step = Latest(steps, name);
            if (step?.Status?.State == EmrStepState.Completed)
            {
                continue;
            }

            if (step is null && !steps.Any(s => EmrStepNames.InOrder.Contains(s.Name)))
            {
                // RUNNING before the first step starts: EMR is still installing the applications.
                return new(EmrRunStage.Running, "starting the job");
            }

            return new(EmrRunStage.Running, name switch
            {
                EmrStepNames.Generate => "generating data",
                EmrStepNames.Train => training is { Total: > 0 } t
                    ? string.Create(CultureInfo.InvariantCulture, $"training: {Math.Clamp(t.Done, 0, t.Total)} of {t.Total} sizes done")
                    : "training",
                _ => "publishing",
            });
        }

        return new(EmrRunStage.Running, "finishing");
    }

    /// <summary>The name of a OneOff step that failed, was cancelled or interrupted, or null.</summary>
    private static string? FailedStep(IReadOnlyList<StepSummary> steps) =>
        EmrStepNames.InOrder.FirstOrDefault(name => Latest(steps, name)?.Status?.State is EmrStepState.Failed or EmrStepState.Cancelled or EmrStepState.Interrupted);

    /// <summary>The step of that name (the newest, should one have been added twice: ListSteps lists newest first).</summary>
    private static StepSummary? Latest(IReadOnlyList<StepSummary> steps, string name) =>
        steps.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
}

/// <summary>Values of <see cref="ClusterStateChangeReason.Code"/> (EMR API reference, <c>ClusterStateChangeReason</c>).</summary>
internal static class EmrClusterReason
{
    /// <summary>EMR failed internally.</summary>
    public const string InternalError = "INTERNAL_ERROR";

    /// <summary>EMR refused the cluster's settings.</summary>
    public const string ValidationError = "VALIDATION_ERROR";

    /// <summary>An instance failed.</summary>
    public const string InstanceFailure = "INSTANCE_FAILURE";

    /// <summary>An instance fleet was not provisioned in time.</summary>
    public const string InstanceFleetTimeout = "INSTANCE_FLEET_TIMEOUT";

    /// <summary>A bootstrap action failed.</summary>
    public const string BootstrapFailure = "BOOTSTRAP_FAILURE";

    /// <summary>Terminated on request (TerminateJobFlows, the console).</summary>
    public const string UserRequest = "USER_REQUEST";

    /// <summary>A step failed (with <c>ActionOnFailure=TERMINATE_CLUSTER</c>).</summary>
    public const string StepFailure = "STEP_FAILURE";

    /// <summary>Every step completed.</summary>
    public const string AllStepsCompleted = "ALL_STEPS_COMPLETED";
}
