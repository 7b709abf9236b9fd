using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Tests.Runs;

/// <summary>Every arrow of the run state machine, legal and illegal, on a bare <see cref="RunRecord"/> (no host, no database).</summary>
public sealed class RunRecordTests
{
    private static readonly DateTime s_t0 = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
    private static readonly StoredProgress s_progress = StoredProgress.Of([new StoredSize(3, 0, null, false, null)]);
    private static readonly StoredProgress s_done = StoredProgress.Of([new StoredSize(3, 12, 0.25, true, new StoredMetrics(1, 0.9, 0.8, 12, 0.25, 0.5))]);

    /// <summary>The states from which each transition is legal (ARCHITECTURE.md, "Runs and restarts").</summary>
    private static readonly Dictionary<string, RunState[]> s_legalFrom = new()
    {
        ["MarkStarting"] = [RunState.Queued],
        ["AttachHandle"] = [RunState.Starting, RunState.Cancelling],
        ["MarkRunning"] = [RunState.Starting],
        ["RecordProgress"] = [RunState.Starting, RunState.Running, RunState.Cancelling],
        ["MarkSucceeded"] = [RunState.Starting, RunState.Running, RunState.Cancelling],
        ["MarkFailed"] = [RunState.Starting, RunState.Running],
        ["RequestCancel"] = [RunState.Queued, RunState.Starting, RunState.Running],
        ["MarkCancelled"] = [RunState.Cancelling],
        ["MarkInterrupted"] = [RunState.Starting, RunState.Running],
        ["RecordOutputsDamage"] = [RunState.Succeeded],
    };

    private static readonly Dictionary<string, (Func<RunRecord, bool> Apply, RunState? To)> s_transitions = new()
    {
        ["MarkStarting"] = (r => r.MarkStarting(s_t0.AddMinutes(1)), RunState.Starting),
        ["AttachHandle"] = (r => r.AttachHandle("scripted:7"), null),
        ["MarkRunning"] = (r => r.MarkRunning(), RunState.Running),
        ["RecordProgress"] = (r => r.RecordProgress(s_done), null),
        ["MarkSucceeded"] = (r => r.MarkSucceeded(s_t0.AddMinutes(9), 3, s_done), RunState.Succeeded),
        ["MarkFailed"] = (r => r.MarkFailed(s_t0.AddMinutes(9), "step train failed: boom"), RunState.Failed),
        ["RequestCancel"] = (r => r.RequestCancel(), RunState.Cancelling),
        ["MarkCancelled"] = (r => r.MarkCancelled(s_t0.AddMinutes(9)), RunState.Cancelled),
        ["MarkInterrupted"] = (r => r.MarkInterrupted(s_t0.AddMinutes(9), "interrupted"), RunState.Failed),
        ["RecordOutputsDamage"] = (r => r.RecordOutputsDamage("This run's outputs are damaged: the loss curves cannot be read."), null),
    };

    [Fact]
    public void MarkInterrupted_AfterProgress_EndsWhenTheJobWasLastSeen()
    {
        var record = InState(RunState.Running);
        record.RecordProgress(s_done, s_t0.AddMinutes(3));

        record.MarkInterrupted(s_t0.AddHours(5), "interrupted");

        Assert.Equal(RunState.Failed, record.State);
        Assert.Equal(s_t0.AddMinutes(3), record.FinishedUtc);
    }

    [Fact]
    public void RecordOutputsDamage_Succeeded_KeepsTheStateAndClearsOnceWhole()
    {
        var record = InState(RunState.Succeeded);

        var marked = record.RecordOutputsDamage("This run's outputs are damaged: the loss curves cannot be read.");
        var again = record.RecordOutputsDamage("This run's outputs are damaged: the loss curves cannot be read.");
        var damaged = record.OutputsDamaged;
        var cleared = record.RecordOutputsDamage(null);

        Assert.True(marked);
        Assert.False(again);
        Assert.Equal("This run's outputs are damaged: the loss curves cannot be read.", damaged);
        Assert.True(cleared);
        Assert.Null(record.OutputsDamaged);
        Assert.Equal(RunState.Succeeded, record.State);
    }

    public static TheoryData<string, RunState> EveryTransitionFromEveryState =>
        [.. s_transitions.Keys.SelectMany(t => Enum.GetValues<RunState>().Select(s => (t, s)))];

    [Theory]
    [MemberData(nameof(EveryTransitionFromEveryState))]
    public void Transition_FromState_IsTakenOnlyWhenLegal(string transition, RunState from)
    {
        var record = InState(from);
        var before = Describe(record);
        var (apply, to) = s_transitions[transition];
        var legal = s_legalFrom[transition].Contains(from);

        var taken = apply(record);

        Assert.Equal(legal, taken);
        if (!taken)
        {
            Assert.Equal(before, Describe(record));
        }
        else
        {
            Assert.Equal(to ?? from, record.State);
        }
    }

    [Fact]
    public void Queue_NewRun_IsQueuedWithItsParametersAndProgress()
    {
        var record = Queued();

        Assert.Equal(RunState.Queued, record.State);
        Assert.Equal("operator", record.CreatedBy);
        Assert.Equal(s_t0, record.CreatedUtc);
        Assert.Null(record.StartedUtc);
        Assert.Equal(s_progress.Sizes, StoredRunJson.ReadProgress(record.ProgressJson).Sizes);
        Assert.Equal("5", StoredRunJson.ReadParameters(record.ParametersJson).Values["train_size"]);
    }

    [Fact]
    public void Adopt_PublishedRunWithoutRecord_IsSucceededAndStartedOutsideTheDashboard()
    {
        var record = RunRecord.Adopt("20260102-030405-abcd", s_t0, StoredParameters.Of(new Dictionary<string, string?>()), s_done, 3);

        Assert.Equal(RunState.Succeeded, record.State);
        Assert.Equal(RunRecord.OutsideTheDashboard, record.CreatedBy);
        Assert.Equal(s_t0, record.FinishedUtc);
        Assert.Equal(3, record.BestNHidden);
        Assert.True(record.IsFinished);
        Assert.False(record.MarkStarting(s_t0));
        Assert.False(record.RequestCancel());
    }

    [Fact]
    public void MarkStarting_Queued_SetsStartedUtc()
    {
        var record = Queued();

        record.MarkStarting(s_t0.AddMinutes(1));

        Assert.Equal(s_t0.AddMinutes(1), record.StartedUtc);
        Assert.Null(record.FinishedUtc);
    }

    [Fact]
    public void AttachHandle_Twice_KeepsTheFirstHandle()
    {
        var record = InState(RunState.Starting);

        Assert.True(record.AttachHandle("local:1@2"));
        Assert.False(record.AttachHandle("local:3@4"));
        Assert.Equal("local:1@2", record.RunnerHandle);
    }

    [Fact]
    public void AttachHandle_QueuedRunCancelledBeforeItStarted_IsRefused()
    {
        var record = Queued();
        record.RequestCancel();

        Assert.False(record.AttachHandle("local:1@2"));
    }

    [Fact]
    public void MarkFailed_Running_KeepsTheReasonAndFinishTime()
    {
        var record = InState(RunState.Running);

        record.MarkFailed(s_t0.AddMinutes(9), "the job exited with code 1: disk full");

        Assert.Equal("the job exited with code 1: disk full", record.Error);
        Assert.Equal(s_t0.AddMinutes(9), record.FinishedUtc);
    }

    [Fact]
    public void MarkSucceeded_Cancelling_TheManifestWins()
    {
        var record = InState(RunState.Cancelling);

        Assert.True(record.MarkSucceeded(s_t0.AddMinutes(9), 3, s_done));

        Assert.Equal(RunState.Succeeded, record.State);
        Assert.Equal(3, record.BestNHidden);
        Assert.Null(record.Error);
        Assert.Equal(s_done.Sizes, StoredRunJson.ReadProgress(record.ProgressJson).Sizes);
    }

    [Fact]
    public void RequestCancelThenMarkCancelled_Queued_EndsCancelledWithoutStarting()
    {
        var record = Queued();

        Assert.True(record.RequestCancel());
        Assert.True(record.MarkCancelled(s_t0.AddMinutes(1)));

        Assert.Equal(RunState.Cancelled, record.State);
        Assert.Null(record.StartedUtc);
        Assert.Equal(s_t0.AddMinutes(1), record.FinishedUtc);
    }

    [Fact]
    public void MarkFailed_BlankReason_Throws() =>
        Assert.Throws<ArgumentException>(() => InState(RunState.Running).MarkFailed(s_t0, " "));

    private static RunRecord Queued() => RunRecord.Queue("20260102-030405-abcd", "key-1", "operator", s_t0,
        StoredParameters.Of(new Dictionary<string, string?> { ["train_size"] = "5" }), s_progress);

    /// <summary>A record brought to <paramref name="state"/> by legal arrows only.</summary>
    private static RunRecord InState(RunState state)
    {
        var r = Queued();
        var ok = state switch
        {
            RunState.Queued => true,
            RunState.Starting => r.MarkStarting(s_t0),
            RunState.Running => r.MarkStarting(s_t0) && r.MarkRunning(),
            RunState.Succeeded => r.MarkStarting(s_t0) && r.MarkRunning() && r.MarkSucceeded(s_t0, 3, s_done),
            RunState.Failed => r.MarkStarting(s_t0) && r.MarkFailed(s_t0, "failed"),
            RunState.Cancelling => r.MarkStarting(s_t0) && r.RequestCancel(),
            RunState.Cancelled => r.RequestCancel() && r.MarkCancelled(s_t0),
            _ => false,
        };
        Assert.True(ok, $"could not reach {state}");
        return r;
    }

    private static string Describe(RunRecord r) =>
        string.Join("|", r.State, r.StartedUtc, r.FinishedUtc, r.ProgressJson, r.BestNHidden, r.Error, r.RunnerHandle);
}
