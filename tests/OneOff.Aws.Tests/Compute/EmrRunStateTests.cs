using OneOff.Aws.Clients.Emr.Models;
using OneOff.Aws.Compute;

namespace OneOff.Aws.Tests.Compute;

public sealed class EmrRunStateTests
{
    private static StepSummary Step(string name, string state) => new() { Name = name, Status = new StepStatus { State = state } };

    private static readonly StepSummary[] s_generating = [Step("publish", "PENDING"), Step("train", "PENDING"), Step("generate", "RUNNING")];
    private static readonly StepSummary[] s_training = [Step("publish", "PENDING"), Step("train", "RUNNING"), Step("generate", "COMPLETED")];
    private static readonly StepSummary[] s_betweenSteps = [Step("publish", "PENDING"), Step("train", "PENDING"), Step("generate", "COMPLETED")];
    private static readonly StepSummary[] s_publishing = [Step("publish", "RUNNING"), Step("train", "COMPLETED"), Step("generate", "COMPLETED")];
    private static readonly StepSummary[] s_allDone = [Step("publish", "COMPLETED"), Step("train", "COMPLETED"), Step("generate", "COMPLETED")];
    private static readonly StepSummary[] s_trainFailed = [Step("publish", "CANCELLED"), Step("train", "FAILED"), Step("generate", "COMPLETED")];

    private static readonly Dictionary<string, StepSummary[]> s_steps = new()
    {
        ["none"] = [], ["generating"] = s_generating, ["training"] = s_training, ["betweenSteps"] = s_betweenSteps,
        ["publishing"] = s_publishing, ["allDone"] = s_allDone, ["trainFailed"] = s_trainFailed,
    };

    public static TheoryData<string, string?, string, bool, EmrRunStage, string> Table => new()
    {
        { "STARTING", null, "none", false, EmrRunStage.Starting, "provisioning" },
        { "BOOTSTRAPPING", null, "none", false, EmrRunStage.Starting, "installing the job" },
        { "RUNNING", null, "none", false, EmrRunStage.Running, "starting the job" },
        { "RUNNING", null, "generating", false, EmrRunStage.Running, "generating data" },
        { "RUNNING", null, "training", false, EmrRunStage.Running, "training" },
        { "RUNNING", null, "betweenSteps", false, EmrRunStage.Running, "training" },
        { "RUNNING", null, "publishing", false, EmrRunStage.Running, "publishing" },
        { "WAITING", null, "allDone", true, EmrRunStage.Running, "finishing" },
        { "RUNNING", null, "trainFailed", false, EmrRunStage.Ending, "step train failed; the cluster is shutting down" },
        { "TERMINATING", "ALL_STEPS_COMPLETED", "allDone", true, EmrRunStage.Ending, "shutting down the cluster" },
        { "TERMINATING", "STEP_FAILURE", "trainFailed", false, EmrRunStage.Ending, "step train failed; the cluster is shutting down" },
        { "TERMINATED", "ALL_STEPS_COMPLETED", "allDone", true, EmrRunStage.Succeeded, "published" },
        { "TERMINATED", "ALL_STEPS_COMPLETED", "allDone", false, EmrRunStage.Failed, "failed: every step completed but the run has no manifest" },
        { "TERMINATED", "USER_REQUEST", "training", false, EmrRunStage.Cancelled, "cancelled: the cluster was terminated on request" },
        { "TERMINATED", "USER_REQUEST", "publishing", true, EmrRunStage.Succeeded, "published" },
        { "TERMINATED_WITH_ERRORS", "STEP_FAILURE", "trainFailed", false, EmrRunStage.Failed, "failed" },
        { "TERMINATED_WITH_ERRORS", "BOOTSTRAP_FAILURE", "none", false, EmrRunStage.Failed, "failed" },
        { "TERMINATED_WITH_ERRORS", "INTERNAL_ERROR", "allDone", true, EmrRunStage.Succeeded, "published" },
        { "SOMETHING_NEW", null, "none", false, EmrRunStage.Running, "cluster SOMETHING_NEW" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Map_Table(string state, string? reason, string steps, bool manifest, EmrRunStage stage, string phase)
    {
        var status = EmrRunState.Map(state, reason, s_steps[steps], manifest);

        Assert.Equal(stage, status.Stage);
        Assert.Equal(phase, status.Phase);
        Assert.Equal(stage is EmrRunStage.Succeeded or EmrRunStage.Failed or EmrRunStage.Cancelled, status.IsFinal);
    }

    [Theory]
    [InlineData(0, 10, "training: 0 of 10 sizes done")]
    [InlineData(3, 10, "training: 3 of 10 sizes done")]
    [InlineData(12, 10, "training: 10 of 10 sizes done")]
    public void Map_Training_CountsTheSizesDone(int done, int total, string phase)
    {
        var status = EmrRunState.Map("RUNNING", null, s_training, false, new EmrTrainingProgress(done, total));

        Assert.Equal(EmrRunStage.Running, status.Stage);
        Assert.Equal(phase, status.Phase);
    }

    [Fact]
    public void Map_ProgressWhileGenerating_IsNotShown()
    {
        Assert.Equal("generating data", EmrRunState.Map("RUNNING", null, s_generating, false, new EmrTrainingProgress(1, 3)).Phase);
    }

    [Fact]
    public void Map_ForeignStepsOnly_IsStartingTheJob()
    {
        Assert.Equal("starting the job", EmrRunState.Map("RUNNING", null, [Step("Setup hadoop debugging", "COMPLETED")], false).Phase);
    }
}
