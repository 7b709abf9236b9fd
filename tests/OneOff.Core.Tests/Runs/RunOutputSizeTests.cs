using OneOff.Core.Runs;

namespace OneOff.Core.Tests.Runs;

public sealed class RunOutputSizeTests
{
    [Fact]
    public void Estimate_DefaultStudy_IsJustAboveTheBytesTheJobWrote()
    {
        // Objects of `oneoff-job sweep` with the defaults (2026-12-02): train 712 355, test 238 307, 10 grids
        // 1 981 406, 10 loss 16 180, 10 metrics 11 080, manifest 3 131.
        const long Measured = 2_962_459;

        var estimate = RunOutputSize.Estimate(new RunParameters());

        Assert.InRange(estimate, Measured, Measured * 1.03);
    }

    [Fact]
    public void Estimate_MillionPointsEach_IsJustAboveTheBytesTheJobWrote()
    {
        // `oneoff-job sweep --train-size 1000000 --test-size 1000000 --hidden 1 --max-iter 1`.
        const long Measured = 94_953_405;

        var estimate = RunOutputSize.Estimate(new RunParameters { TrainSize = 1_000_000, TestSize = 1_000_000, HiddenSizes = [1], MaxIter = 1 });

        Assert.InRange(estimate, Measured, Measured * 1.03);
    }

    [Fact]
    public void Estimate_LargestTheFormAccepts_IsAbout100Megabytes()
    {
        var largest = new RunParameters { TrainSize = 1_000_000, TestSize = 1_000_000, HiddenSizes = [.. Enumerable.Range(1981, 20)], MaxIter = 10_000 };

        Assert.Equal(102_541_000, RunOutputSize.Estimate(largest));
    }
}
