using OneOff.Core.Runs;
using OneOff.Jobs.Training;
using OneOff.Jobs.Data;

namespace OneOff.Jobs.Tests.Training;

public sealed class MlpObjectiveTests
{
    private static readonly XoDataset s_data = XoGenerator.Generate(new RunParameters(), 300, stream: 9);

    [Theory]
    [InlineData(Precision.Double, 1, LaneWidth.Wide)]
    [InlineData(Precision.Double, 3, LaneWidth.Wide)]
    [InlineData(Precision.Double, 17, LaneWidth.Wide)]
    [InlineData(Precision.Double, 70, LaneWidth.Wide)]
    [InlineData(Precision.Double, 3, LaneWidth.Narrow)]
    [InlineData(Precision.Double, 70, LaneWidth.Narrow)]
    [InlineData(Precision.Single, 1, LaneWidth.Wide)]
    [InlineData(Precision.Single, 3, LaneWidth.Wide)]
    [InlineData(Precision.Single, 17, LaneWidth.Wide)]
    [InlineData(Precision.Single, 70, LaneWidth.Wide)]
    [InlineData(Precision.Single, 3, LaneWidth.Narrow)]
    [InlineData(Precision.Single, 70, LaneWidth.Narrow)]
    public void Evaluate_GradientMatchesCentralDifferences(Precision precision, int hidden, LaneWidth width)
    {
        var objective = MlpObjectives.Create(precision, width, s_data.X, s_data.Y, s_data.Classes, hidden);

        // float32 loss values carry ~1e-7 relative noise, so its step is larger and its tolerance looser.
        var (step, tolerance, floor) = precision == Precision.Double ? (1e-5, 1e-7, 1.0) : (2e-3, 2e-3, 0.1);
        var (worst, scale) = CompareWithFiniteDifferences(objective, hidden, step);

        Assert.True(worst <= tolerance * Math.Max(floor, scale), $"largest |analytic - numeric| = {worst:E3} (gradient scale {scale:E3})");
    }

    [Theory]
    [InlineData(5, LaneWidth.Wide)]
    [InlineData(200, LaneWidth.Wide)]
    [InlineData(5, LaneWidth.Narrow)]
    [InlineData(200, LaneWidth.Narrow)]
    public void Evaluate_SingleAndDouble_AgreeOnLossAndGradient(int hidden, LaneWidth width)
    {
        var layout = new MlpLayout(hidden);
        var theta = layout.Initialise(7);
        var g32 = new double[layout.Dimension];
        var g64 = new double[layout.Dimension];

        var f32 = MlpObjectives.Create(Precision.Single, width, s_data.X, s_data.Y, s_data.Classes, hidden).Evaluate(theta, g32);
        var f64 = MlpObjectives.Create(Precision.Double, LaneWidth.Wide, s_data.X, s_data.Y, s_data.Classes, hidden).Evaluate(theta, g64);

        Assert.Equal(f64, f32, 1e-5);
        for (var i = 0; i < g64.Length; i++)
        {
            Assert.True(Math.Abs(g32[i] - g64[i]) <= 1e-5, $"component {i}: float32 {g32[i]:E4} vs float64 {g64[i]:E4}");
        }
    }

    [Fact]
    public void Predict_NarrowAndWideLanes_Agree()
    {
        var layout = new MlpLayout(13);
        var theta = layout.Initialise(2);
        var n = s_data.Count;
        double[] wide = new double[n], narrow = new double[n], po = new double[n], pb = new double[n];

        MlpObjectives.Create(Precision.Single, LaneWidth.Wide, s_data.X, s_data.Y, s_data.Classes, 13).Predict(theta, s_data.X, s_data.Y, wide, po, pb);
        MlpObjectives.Create(Precision.Single, LaneWidth.Narrow, s_data.X, s_data.Y, s_data.Classes, 13).Predict(theta, s_data.X, s_data.Y, narrow, po, pb);

        for (var i = 0; i < n; i++)
        {
            Assert.Equal(wide[i], narrow[i], 1e-5);
        }
    }

    [Fact]
    public void Evaluate_MatchesAPlainScalarImplementation()
    {
        const int hidden = 4;
        var layout = new MlpLayout(hidden);
        var theta = layout.Initialise(3);
        var gradient = new double[layout.Dimension];

        var loss = MlpObjectives.Create(Precision.Double, LaneWidth.Wide, s_data.X, s_data.Y, s_data.Classes, hidden).Evaluate(theta, gradient);

        var expected = 0.0;
        for (var i = 0; i < s_data.Count; i++)
        {
            var logits = new double[3];
            for (var k = 0; k < 3; k++)
            {
                logits[k] = theta[layout.B2(k)];
                for (var h = 0; h < hidden; h++)
                {
                    var z = theta[layout.W1(h, 0)] * s_data.X[i] + theta[layout.W1(h, 1)] * s_data.Y[i] + theta[layout.B1(h)];
                    logits[k] += theta[layout.W2(k, h)] / (1 + Math.Exp(-z));
                }
            }

            var max = logits.Max();
            var sum = logits.Sum(o => Math.Exp(o - max));
            expected += Math.Log(sum) + max - logits[(int)s_data.Classes[i]];
        }

        Assert.Equal(expected / s_data.Count, loss, 1e-12);
    }

    [Theory]
    [InlineData(LaneWidth.Wide)]
    [InlineData(LaneWidth.Narrow)]
    public void Predict_ProbabilitiesSumToOne(LaneWidth width)
    {
        var layout = new MlpLayout(9);
        var theta = layout.Initialise(5);
        var objective = MlpObjectives.Create(Precision.Single, width, s_data.X, s_data.Y, s_data.Classes, 9);
        var n = s_data.Count;
        double[] px = new double[n], po = new double[n], pb = new double[n];

        objective.Predict(theta, s_data.X, s_data.Y, px, po, pb);

        for (var i = 0; i < n; i++)
        {
            Assert.InRange(px[i], 0, 1);
            Assert.Equal(1.0, px[i] + po[i] + pb[i], 1e-5);
        }
    }

    private static (double Worst, double Scale) CompareWithFiniteDifferences(IMlpObjective objective, int hidden, double step)
    {
        var layout = new MlpLayout(hidden);
        var theta = layout.Initialise(11);
        var gradient = new double[layout.Dimension];
        objective.Evaluate(theta, gradient);
        var scratch = new double[layout.Dimension];
        var worst = 0.0;

        // Every component for small models, an even spread of 60 for larger ones.
        var stride = Math.Max(1, layout.Dimension / 60);
        for (var i = 0; i < layout.Dimension; i += stride)
        {
            var saved = theta[i];
            theta[i] = saved + step;
            var up = objective.Evaluate(theta, scratch);
            theta[i] = saved - step;
            var down = objective.Evaluate(theta, scratch);
            theta[i] = saved;
            worst = Math.Max(worst, Math.Abs(gradient[i] - (up - down) / (2 * step)));
        }

        return (worst, gradient.Max(Math.Abs));
    }
}
