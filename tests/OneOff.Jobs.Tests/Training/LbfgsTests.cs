using OneOff.Jobs.Training;

namespace OneOff.Jobs.Tests.Training;

public sealed class LbfgsTests
{
    [Fact]
    public void Minimize_Rosenbrock_ReachesTheMinimumAndStopsOnTolerance()
    {
        double[] x = [-1.2, 1.0];
        var losses = new List<double>();

        var result = new Lbfgs(2).Minimize(new Rosenbrock(), x, maxIter: 500, tol: 1e-8, (_, loss) => losses.Add(loss), CancellationToken.None);

        Assert.Equal(LbfgsStop.GradientTolerance, result.Stop);
        Assert.Equal(1.0, x[0], 1e-6);
        Assert.Equal(1.0, x[1], 1e-6);
        Assert.True(result.GradientMax <= 1e-8);
        Assert.Equal(result.Iterations, losses.Count);
        Assert.True(losses.Zip(losses.Skip(1)).All(p => p.Second <= p.First), "the loss never rises between accepted iterations");
    }

    [Fact]
    public void Minimize_IterationCap_IsANormalEnd()
    {
        double[] x = [-1.2, 1.0];

        var result = new Lbfgs(2).Minimize(new Rosenbrock(), x, maxIter: 5, tol: 1e-12, null, CancellationToken.None);

        Assert.Equal(LbfgsStop.MaxIterations, result.Stop);
        Assert.Equal(5, result.Iterations);
        Assert.True(result.Loss < 24.2, "five iterations lower the loss from its start value 24.2");
    }

    [Fact]
    public void Minimize_Cancelled_Throws()
    {
        double[] x = [-1.2, 1.0];
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => new Lbfgs(2).Minimize(new Rosenbrock(), x, 100, 1e-8, null, cts.Token));
    }

    private sealed class Rosenbrock : IObjective
    {
        public int Dimension => 2;

        public double Evaluate(ReadOnlySpan<double> x, Span<double> g)
        {
            var a = 1 - x[0];
            var b = x[1] - x[0] * x[0];
            g[0] = -2 * a - 400 * x[0] * b;
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        }
    }
}
