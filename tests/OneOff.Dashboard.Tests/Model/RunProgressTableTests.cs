using System.Collections.Immutable;
using OneOff.Core.Runs;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Tests.Model;

/// <summary>The progress table of the run page: why each size stopped, the time left, and the rows in view first.</summary>
public sealed class RunProgressTableTests
{
    private static readonly DateTime s_created = new(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc);

    private static RunSnapshot Run(RunState state, RunParameters parameters, IEnumerable<SizeProgress> sizes, DateTime? started = null) =>
        new("20261202-090000-abcd", state, "operator", s_created, started, state is RunState.Succeeded or RunState.Failed or RunState.Cancelled ? s_created.AddMinutes(5) : null,
            parameters, [.. sizes], null, null);

    private static SizeProgress Done(int n, int iterations, StopReason? reason) =>
        SizeProgress.Finished(new ModelMetrics(n, 0.9, 0.88, 0.8, iterations, 0.2, 0.5, reason));

    private static SizeProgress Training(int n, int iteration) => new(n, iteration, 0.4, false, null);

    private static SizeProgress Waiting(int n) => new(n, 0, null, false, null);

    [Fact]
    public void SizeStatus_DoneSizes_SayWhyEachStoppedInPlainWords()
    {
        var run = Run(RunState.Succeeded, new RunParameters { HiddenSizes = [5, 7, 10, 30], MaxIter = 1000 },
            [Done(5, 212, StopReason.Converged), Done(7, 1000, StopReason.MaxIter), Done(10, 87, StopReason.LineSearch), Done(30, 1000, null)]);

        var texts = run.Sizes.Select(s => RunDetailsViewModel.SizeStatus(run, s)).ToList();

        Assert.Equal(
            ["converged at iteration 212", "stopped at max_iter 1000 (not converged)", "line search failed at iteration 87", "done · 1000 iterations"],
            texts);
    }

    [Fact]
    public void OrderedSizes_RunningRun_PutsTheSizesTrainingNowFirstThenWaitingThenDone()
    {
        var run = Run(RunState.Running, new RunParameters { HiddenSizes = [5, 7, 10, 30, 50, 75, 100, 200, 400, 600], MaxIter = 1000 },
            [Waiting(5), Waiting(7), Waiting(10), Waiting(30), Waiting(50), Waiting(75), Training(100, 12), Training(200, 380),
             Done(400, 1000, StopReason.MaxIter), Done(600, 950, StopReason.Converged)],
            started: s_created);

        var ordered = RunDetailsViewModel.OrderedSizes(run).Select(s => s.NHidden).ToList();

        Assert.Equal([200, 100, 75, 50, 30, 10, 7, 5, 400, 600], ordered);
    }

    [Theory]
    [InlineData(RunState.Succeeded)]
    [InlineData(RunState.Cancelled)]
    [InlineData(RunState.Failed)]
    public void OrderedSizes_RunOver_KeepsTheRunsOrder(RunState state)
    {
        var run = Run(state, new RunParameters { HiddenSizes = [5, 30, 600], MaxIter = 100 },
            [Done(5, 100, StopReason.MaxIter), Training(30, 40), Waiting(600)]);

        Assert.Equal([5, 30, 600], RunDetailsViewModel.OrderedSizes(run).Select(s => s.NHidden));
    }

    [Fact]
    public void TimeLeft_QueuedRun_IsTheFormsEstimateOfTheSameWorkModel()
    {
        var parameters = new RunParameters();
        var run = Run(RunState.Queued, parameters, RunSnapshot.InitialSizes(parameters));

        var left = RunDetailsViewModel.TimeLeft(run, s_created.AddMinutes(3));

        Assert.NotNull(left);
        Assert.False(left.Measured);
        Assert.Equal(RunLimits.Rate.Duration(parameters), left.Total);
        Assert.Empty(left.Sizes);
        Assert.Equal($"about {RunLimits.Duration(RunLimits.Rate.Duration(parameters))} once it starts", RunDetailsViewModel.TimeLeftText(run, left));
    }

    [Fact]
    public void TimeLeft_HalfTheWorkDone_IsTheTimeTheRunHasWorkedSoFar()
    {
        // Two equal sizes, one done at the cap and one waiting: half the work, so the time spent again is left.
        var parameters = new RunParameters { TrainSize = 20000, HiddenSizes = [200, 200], MaxIter = 500 };
        var worked = TimeSpan.FromSeconds(40);
        var started = s_created;
        var run = Run(RunState.Running, parameters, [Done(200, 500, StopReason.MaxIter), Waiting(200)], started);

        var left = RunDetailsViewModel.TimeLeft(run, started + RunLimits.Rate.FixedCost + worked);

        Assert.NotNull(left);
        Assert.True(left.Measured);
        Assert.Equal(worked.TotalSeconds, left.Total.TotalSeconds, 3);
        Assert.Equal("about 40 s", RunDetailsViewModel.TimeLeftText(run, left));
    }

    [Fact]
    public void TimeLeft_TwoSizesTrainingTogether_ShareTheRateByTheirWorkLeft()
    {
        var parameters = new RunParameters { TrainSize = 20000, HiddenSizes = [100, 50, 5], MaxIter = 1000 };
        var run = Run(RunState.Running, parameters, [Training(100, 250), Training(50, 250), Done(5, 40, StopReason.Converged)], s_created);

        var left = RunDetailsViewModel.TimeLeft(run, s_created.AddSeconds(30));

        Assert.NotNull(left);
        Assert.Equal([50, 100], left.Sizes.Keys.Order());
        // Each of the two gets half the run's speed: twice the units left take twice the time, and the larger one ends the run.
        Assert.Equal(2 * left.Sizes[50].TotalSeconds, left.Sizes[100].TotalSeconds, 6);
        Assert.Equal(left.Sizes[100], left.Total);
        Assert.StartsWith("iteration 250 of 1000 · about ", RunDetailsViewModel.SizeStatus(run, run.Sizes[0], left), StringComparison.Ordinal);
        Assert.EndsWith(" left", RunDetailsViewModel.SizeStatus(run, run.Sizes[0], left), StringComparison.Ordinal);
        Assert.Equal("converged at iteration 40", RunDetailsViewModel.SizeStatus(run, run.Sizes[2], left));
    }

    [Fact]
    public void TimeLeft_SizesWaiting_FollowOnTheFirstWorkerToFreeUp()
    {
        // 50 frees its worker first and takes the waiting 40; the run ends when the later of the two workers does.
        var parameters = new RunParameters { TrainSize = 20000, HiddenSizes = [100, 50, 40], MaxIter = 1000 };
        var training = Run(RunState.Running, parameters, [Training(100, 250), Training(50, 250), Waiting(40)], s_created);
        var alone = Run(RunState.Running, parameters with { HiddenSizes = [100, 50] }, [Training(100, 250), Training(50, 250)], s_created);
        var now = s_created.AddSeconds(30);

        var left = RunDetailsViewModel.TimeLeft(training, now);
        var without = RunDetailsViewModel.TimeLeft(alone, now);

        Assert.NotNull(left);
        Assert.NotNull(without);
        Assert.True(left.Total >= left.Sizes[100] && left.Total >= left.Sizes[50], $"{left.Total} covers every size training");
        Assert.True(left.Total > without.Total, $"the waiting size adds time: {left.Total} > {without.Total}");
        Assert.Equal([50, 100], left.Sizes.Keys.Order());
    }

    [Fact]
    public void TimeLeft_MoreDone_LessLeft()
    {
        var parameters = new RunParameters { TrainSize = 20000, HiddenSizes = [100], MaxIter = 1000 };
        var now = s_created.AddSeconds(60);

        var early = RunDetailsViewModel.TimeLeft(Run(RunState.Running, parameters, [Training(100, 100)], s_created), now);
        var late = RunDetailsViewModel.TimeLeft(Run(RunState.Running, parameters, [Training(100, 900)], s_created), now);

        Assert.NotNull(early);
        Assert.NotNull(late);
        Assert.True(late.Total < early.Total, $"{late.Total} < {early.Total}");
    }

    [Theory]
    [InlineData(RunState.Succeeded)]
    [InlineData(RunState.Failed)]
    [InlineData(RunState.Cancelled)]
    [InlineData(RunState.Cancelling)]
    public void TimeLeft_RunNotActive_IsNotShown(RunState state)
    {
        var parameters = new RunParameters { HiddenSizes = [5] };
        var run = Run(state, parameters, [Training(5, 10)], s_created);

        var left = RunDetailsViewModel.TimeLeft(run, s_created.AddSeconds(30));

        Assert.Null(left);
        Assert.Null(RunDetailsViewModel.TimeLeftText(run, left));
    }

    [Fact]
    public void TimeLeftText_EverySizeDoneButNotPublished_SaysFinishing()
    {
        var parameters = new RunParameters { HiddenSizes = [5, 7] };
        var run = Run(RunState.Running, parameters, [Done(5, 100, StopReason.MaxIter), Done(7, 60, StopReason.Converged)], s_created);

        Assert.Equal("finishing", RunDetailsViewModel.TimeLeftText(run, RunDetailsViewModel.TimeLeft(run, s_created.AddSeconds(5))));
    }

    [Fact]
    public void SizeStatus_WaitingSize_HasNoEstimate()
    {
        var parameters = new RunParameters { HiddenSizes = [5, 7] };
        var run = Run(RunState.Running, parameters, [Training(7, 10), Waiting(5)], s_created);
        var left = RunDetailsViewModel.TimeLeft(run, s_created.AddSeconds(10));

        Assert.Equal("waiting", RunDetailsViewModel.SizeStatus(run, run.Sizes[1], left));
        Assert.Equal(ImmutableArray.Create(7), [.. left!.Sizes.Keys]);
    }
}
