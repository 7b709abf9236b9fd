using OneOff.Core.Runs;
using OneOff.Jobs.Data;
using OneOff.Jobs.Training;

namespace OneOff.Jobs.Tests.Training;

/// <summary>Each way a real fit ends is recorded as its stop reason: converged, max_iter, line_search.</summary>
public sealed class ModelFitStopReasonTests
{
    private static ModelResult Fit(double tol, int maxIter, Precision precision = Precision.Single)
    {
        var p = new RunParameters { TrainSize = 200, TestSize = 100, HiddenSizes = [2], MaxIter = maxIter, Tol = tol };
        return ModelFit.Run(p, 2, XoGenerator.Train(p), XoGenerator.Test(p), TimeProvider.System, null, precision, TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData(Precision.Single)]
    [InlineData(Precision.Double)]
    public void Run_LooseToleranceTinyFit_ConvergesBeforeTheCap(Precision precision)
    {
        var result = Fit(tol: 1e-2, maxIter: 1000, precision);

        Assert.Equal(StopReason.Converged, result.Metrics.StopReason);
        Assert.InRange(result.Metrics.Iterations, 1, 999);
        Assert.Equal(result.Metrics.Iterations, result.Loss.Length);
    }

    [Fact]
    public void Run_MaxIterThree_StopsAtMaxIter()
    {
        var result = Fit(tol: 1e-12, maxIter: 3);

        Assert.Equal(StopReason.MaxIter, result.Metrics.StopReason);
        Assert.Equal(3, result.Metrics.Iterations);
    }

    [Fact]
    public void Run_UnreachableToleranceAndAHighCap_StopsWhenTheLineSearchFindsNoLowerLoss()
    {
        var result = Fit(tol: 1e-12, maxIter: 3000);

        // Neither the tolerance nor the cap ended it: the loss went flat to the kernel's precision first.
        Assert.Equal(StopReason.LineSearch, result.Metrics.StopReason);
        Assert.InRange(result.Metrics.Iterations, 1, 2999);
    }

    [Fact]
    public void Run_StricterTolerance_NeverStopsSoonerThanALooserOne()
    {
        var loose = Fit(tol: 1e-1, maxIter: 1000);
        var strict = Fit(tol: 1e-2, maxIter: 1000);

        Assert.Equal(StopReason.Converged, loose.Metrics.StopReason);
        Assert.True(strict.Metrics.Iterations > loose.Metrics.Iterations, $"{strict.Metrics.Iterations} > {loose.Metrics.Iterations}");
    }

    [Fact]
    public void StopReasonOf_EveryOptimiserExit_MapsToItsOwnReason()
    {
        var reasons = Enum.GetValues<LbfgsStop>().Select(ModelFit.StopReasonOf).ToList();

        Assert.Equal(
            [StopReason.MaxIter, StopReason.Converged, StopReason.LineSearch],
            reasons);
        Assert.Equal(Enum.GetValues<StopReason>().Length, reasons.Distinct().Count());
    }
}
