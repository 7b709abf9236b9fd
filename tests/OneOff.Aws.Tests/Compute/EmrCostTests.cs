using OneOff.Aws.Clients.Emr.Models;
using OneOff.Aws.Compute;
using OneOff.Core.Runs;

namespace OneOff.Aws.Tests.Compute;

public sealed class EmrCostTests
{
    // 10 000 points, sizes 100, 50, 30, 100 iterations: Evaluations(100) = 1 + 100 + ceil(21) = 122, so the sizes'
    // work is 122 M, 61 M and 36.6 M units (219.6 M in all).
    private static readonly RunParameters s_run = new() { TrainSize = 10000, HiddenSizes = [100, 50, 30], MaxIter = 100 };

    // One node does 1 M units a second; the cluster costs 10 minutes whatever the work.
    private static readonly WorkRate s_rate = new(1e6, TimeSpan.FromMinutes(10));

    [Fact]
    public void Estimate_OneWorker_AllSizesInTurn()
    {
        var estimate = EmrCost.Estimate(new EmrOptions(), s_run, s_rate);

        // 600 s + 219.6 s; primary + 1 core at 0.1632 + 0.0408 = 0.204 USD/h each: 0.408 × 819.6 / 3600 = 0.092888.
        Assert.Equal(TimeSpan.FromSeconds(819.6), estimate.Duration);
        Assert.Equal(0.092888m, Math.Round(estimate.Dollars, 6));
        Assert.Equal([(EmrInstanceRole.Primary, 1), (EmrInstanceRole.Core, 1)], estimate.Lines.Select(l => (l.Role, l.Count)));
        Assert.All(estimate.Lines, l => Assert.Equal(0.204m, l.PerHour));
        Assert.Equal("$0.09 (estimated from list prices)", estimate.ToString());
    }

    [Fact]
    public void Estimate_ThreeWorkers_TheLargestSizeBoundsTheFits()
    {
        var options = new EmrOptions { CoreInstanceCount = 2, TaskInstanceCount = 1 };

        var estimate = EmrCost.Estimate(options, s_run, s_rate);

        // Largest first, each to the least loaded node: 122 M | 61 M | 36.6 M → 122 s; 4 instances × 0.204 × 722 / 3600.
        Assert.Equal(TimeSpan.FromSeconds(722), estimate.Duration);
        Assert.Equal(0.163653m, Math.Round(estimate.Dollars, 6));
    }

    [Fact]
    public void Estimate_TwoWorkers_SmallSizesShareANode()
    {
        var options = new EmrOptions { CoreInstanceCount = 2 };
        var run = s_run with { HiddenSizes = [100, 60, 50] };

        var estimate = EmrCost.Estimate(options, run, s_rate);

        // 100 → node 1 (122 M); 60 → node 2 (73.2 M); 50 → node 2 (134.2 M): the fits take 134.2 s.
        Assert.Equal(TimeSpan.FromSeconds(734.2), estimate.Duration);
    }

    [Fact]
    public void Estimate_UsesTheWorkModel()
    {
        var estimate = EmrCost.Estimate(new EmrOptions { CoreInstanceCount = 0 }, s_run, s_rate);

        Assert.Equal(s_rate.Duration(WorkModel.Work(s_run)), estimate.Duration);
        Assert.Single(estimate.Lines);
    }

    [Fact]
    public void Estimate_TypeWithoutPrice_Throws()
    {
        var options = new EmrOptions { CoreInstanceType = "c7g.large" };

        var error = Assert.Throws<InvalidOperationException>(() => EmrCost.Estimate(options, s_run, s_rate));

        Assert.Contains("c7g.large", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromTimelines_PerSecondWithAMinuteMinimum()
    {
        var t0 = new DateTimeOffset(2026, 12, 1, 11, 0, 0, TimeSpan.Zero);
        var now = t0.AddHours(2);
        EmrInstanceUsage[] instances =
        [
            new("m7g.xlarge", t0, t0.AddSeconds(30)),          // billed 60 s
            new("m7g.xlarge", t0, t0.AddSeconds(3600.4)),      // billed 3601 s
            new("M7G.XLARGE", now.AddSeconds(-120), null),     // still running: 120 s so far
            new("x2iedn.32xlarge", t0, t0.AddHours(1)),        // no price
        ];

        var cost = EmrCost.FromTimelines(instances, new EmrOptions().Prices, now);

        // 0.204 USD/h × 3781 s / 3600 = 0.21425666…
        Assert.Equal(0.214257m, Math.Round(cost.Dollars, 6));
        Assert.Equal(TimeSpan.FromSeconds(3781), cost.InstanceTime);
        Assert.Equal(["x2iedn.32xlarge"], cost.UnpricedInstanceTypes);
        Assert.Equal("$0.21 (estimated from list prices)", cost.ToString());
    }

    [Fact]
    public void Usage_FromListInstances_SkipsInstancesWithoutTypeOrTimeline()
    {
        var created = new DateTimeOffset(2026, 12, 1, 11, 0, 0, TimeSpan.Zero);
        Instance[] instances =
        [
            new() { InstanceType = "m7g.xlarge", Status = new InstanceStatus { Timeline = new InstanceTimeline { CreationDateTime = created, EndDateTime = created.AddMinutes(5) } } },
            new() { InstanceType = "m7g.xlarge", Status = new InstanceStatus() },
            new() { Status = new InstanceStatus { Timeline = new InstanceTimeline { CreationDateTime = created } } },
        ];

        var usage = Assert.Single(EmrCost.Usage(instances));

        Assert.Equal(new EmrInstanceUsage("m7g.xlarge", created, created.AddMinutes(5)), usage);
    }

    [Theory]
    [InlineData(0, "$0.00 (estimated from list prices)")]
    [InlineData(0.004, "under $0.01 (estimated from list prices)")]
    [InlineData(0.005, "$0.01 (estimated from list prices)")]
    [InlineData(12.345, "$12.35 (estimated from list prices)")]
    public void Describe_RoundsToCentsWithTheLabel(double dollars, string text)
    {
        Assert.Equal(text, EmrCost.Describe((decimal)dollars));
    }
}
