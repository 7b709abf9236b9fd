using OneOff.Core.Runs;

namespace OneOff.Core.Tests.Runs;

public sealed class WorkModelTests
{
    [Fact]
    public void Work_DefaultStudy_IsPointsTimesSummedSizesTimesEvaluations()
    {
        var work = WorkModel.Work(new RunParameters());

        // 15 000 points × (5+7+10+30+50+75+100+200+400+600 = 1 477) × (1 + 100 + 21 evaluations).
        Assert.Equal(15_000L * 1_477 * 122, work);
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(100, 122)]
    [InlineData(10_000, 12_101)]
    public void Evaluations_MaxIter_CountsTheStartTheIterationsAndTheLineSearchExtras(int maxIter, long expected)
    {
        Assert.Equal(expected, WorkModel.Evaluations(maxIter));
    }

    [Fact]
    public void Work_LargestTheFormAccepts_DoesNotOverflowAndIsAbout180000TimesTheDefault()
    {
        var largest = new RunParameters { TrainSize = 1_000_000, HiddenSizes = [.. Enumerable.Range(1981, 20)], MaxIter = 10_000 };

        var work = WorkModel.Work(largest);

        Assert.Equal(1_000_000L * 39_810 * 12_101, work);
        Assert.InRange(work / (double)WorkModel.Work(new RunParameters()), 170_000, 190_000);
    }

    [Fact]
    public void SizeWork_EverySize_AddsUpToTheRunsWork()
    {
        var p = new RunParameters();

        Assert.Equal(WorkModel.Work(p), p.HiddenSizes.Sum(n => WorkModel.SizeWork(p, n)));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1_000)]
    [InlineData(10_000)]
    public void SizeWorkDone_GrowsWithTheIterationsUpToTheSizesWorkAtTheCap(int maxIter)
    {
        var p = new RunParameters { TrainSize = 5000, HiddenSizes = [30], MaxIter = maxIter };
        var total = WorkModel.SizeWork(p, 30);

        var done = Enumerable.Range(0, maxIter + 1).Select(i => WorkModel.SizeWorkDone(p, 30, i)).ToList();

        Assert.Equal(5000L * 30, done[0]);
        Assert.True(done.Zip(done.Skip(1)).All(pair => pair.Second > pair.First), "each iteration adds work");
        Assert.InRange(total - done[^1], 0, 5000L * 30);
        Assert.Equal(total, WorkModel.SizeWorkDone(p, 30, maxIter * 2));
    }

    [Fact]
    public void Work_ScalesLinearlyWithPointsAndSizes_AndIgnoresTestPointsAndSeeds()
    {
        var p = new RunParameters { TrainSize = 1000, HiddenSizes = [10], MaxIter = 50 };

        Assert.Equal(2 * WorkModel.Work(p), WorkModel.Work(p with { TrainSize = 2000 }));
        Assert.Equal(3 * WorkModel.Work(p), WorkModel.Work(p with { HiddenSizes = [10, 20] }));
        Assert.Equal(WorkModel.Work(p), WorkModel.Work(p with { TestSize = 900_000, DataSeed = 1, ModelSeed = 2, Jitter = 3 }));
    }

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(950L, "950")]
    [InlineData(2_702_700_000L, "2.7 G")]
    [InlineData(300_000_000_000L, "300 G")]
    [InlineData(481_740_810_000_000L, "482 T")]
    public void Format_Work_UsesSiPrefixes(long work, string expected)
    {
        Assert.Equal(expected, WorkModel.Format(work));
    }

    [Fact]
    public void Duration_LocalRate_IsTheFixedCostPlusWorkOverRate()
    {
        var rate = new WorkRate(2e9, TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(1), rate.Duration(0));
        Assert.Equal(TimeSpan.FromSeconds(151), rate.Duration(300_000_000_000));
        Assert.Equal(rate.Duration(WorkModel.Work(new RunParameters())), rate.Duration(new RunParameters()));
    }

    [Fact]
    public void Local_DefaultStudy_TakesSecondsAndTheDefaultLimitMinutes()
    {
        Assert.InRange(WorkRate.Local.Duration(new RunParameters()).TotalSeconds, 1, 10);
        Assert.InRange(WorkRate.Local.Duration(300_000_000_000).TotalMinutes, 1, 5);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void WorkRate_NotAPositiveRate_Throws(double rate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkRate(rate, TimeSpan.Zero));
    }
}
