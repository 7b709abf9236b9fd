using OneOff.Aws.Clients.Emr.Models;

namespace OneOff.Aws.Clients.Emr;

/// <summary>Values of <see cref="ClusterStatus.State"/>.</summary>
internal static class EmrClusterState
{
    /// <summary>Provisioning EC2 instances.</summary>
    public const string Starting = "STARTING";

    /// <summary>Running bootstrap actions.</summary>
    public const string Bootstrapping = "BOOTSTRAPPING";

    /// <summary>Running steps.</summary>
    public const string Running = "RUNNING";

    /// <summary>Idle, waiting for steps.</summary>
    public const string Waiting = "WAITING";

    /// <summary>Shutting down.</summary>
    public const string Terminating = "TERMINATING";

    /// <summary>Gone, normally.</summary>
    public const string Terminated = "TERMINATED";

    /// <summary>Gone, after an error.</summary>
    public const string TerminatedWithErrors = "TERMINATED_WITH_ERRORS";

    /// <summary>States of a cluster that still exists (what <c>ListClusters</c> should ask for to find live clusters).</summary>
    public static IReadOnlyList<string> Active { get; } = [Starting, Bootstrapping, Running, Waiting, Terminating];

    /// <summary>True once the cluster is gone.</summary>
    public static bool IsFinal(string? state) => state is Terminated or TerminatedWithErrors;
}

/// <summary>Values of <see cref="StepStatus.State"/>.</summary>
internal static class EmrStepState
{
    /// <summary>Waiting to run.</summary>
    public const string Pending = "PENDING";

    /// <summary>Being cancelled.</summary>
    public const string CancelPending = "CANCEL_PENDING";

    /// <summary>Running.</summary>
    public const string Running = "RUNNING";

    /// <summary>Finished successfully.</summary>
    public const string Completed = "COMPLETED";

    /// <summary>Cancelled.</summary>
    public const string Cancelled = "CANCELLED";

    /// <summary>Failed.</summary>
    public const string Failed = "FAILED";

    /// <summary>Interrupted (the cluster went away).</summary>
    public const string Interrupted = "INTERRUPTED";
}

/// <summary>Values of <see cref="StepConfig.ActionOnFailure"/>.</summary>
internal static class EmrActionOnFailure
{
    /// <summary>Terminate the cluster (what a throwaway cluster wants).</summary>
    public const string TerminateCluster = "TERMINATE_CLUSTER";

    /// <summary>Cancel the remaining steps and wait.</summary>
    public const string CancelAndWait = "CANCEL_AND_WAIT";

    /// <summary>Go on with the next step.</summary>
    public const string Continue = "CONTINUE";
}
