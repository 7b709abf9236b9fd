using OneOff.Core.Query;
using OneOff.Dashboard.Components.Controls.Charts;

namespace OneOff.Dashboard.Tests.Components.Controls.Charts;

public sealed class MetricsChartsTests : ChartTestContext
{
    [Fact]
    public void AccuracyChart_Metrics_DrawsTrainTestAndAgreementOnALogAxis()
    {
        Render<AccuracyChart>(p => p.Add(c => c.Metrics, SurfaceCharts.Metrics()));

        var traces = Traces();
        Assert.Equal(["train accuracy", "test accuracy", "surface agreement", "best N = 30"], traces.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal([5.0, 30, 600], Numbers(traces[0].GetProperty("x")));
        Assert.Equal([0.80, 0.90, 0.93], Numbers(traces[0].GetProperty("y")));
        Assert.Equal([0.78, 0.89, 0.87], Numbers(traces[1].GetProperty("y")));
        Assert.Equal([0.70, 0.94, 0.88], Numbers(traces[2].GetProperty("y")));
        var layout = Layout();
        Assert.Equal("log", layout.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Contains("hidden units", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AccuracyChart_Metrics_MarksTheBestSizeWithAStarAndALine()
    {
        Render<AccuracyChart>(p => p.Add(c => c.Metrics, SurfaceCharts.Metrics()));

        var star = Traces()[3];
        Assert.Equal([30.0], Numbers(star.GetProperty("x")));
        Assert.Equal([0.94], Numbers(star.GetProperty("y")));
        Assert.Equal("star", star.GetProperty("marker").GetProperty("symbol").GetString());
        var line = Layout().GetProperty("shapes")[0];
        Assert.Equal((30, 30), (line.GetProperty("x0").GetInt32(), line.GetProperty("x1").GetInt32()));
    }

    [Fact]
    public void AccuracyChart_NoModels_DrawsEmptyLinesWithoutABestMark()
    {
        Render<AccuracyChart>(p => p.Add(c => c.Metrics, new RunMetrics([])));

        Assert.Equal(3, Traces().Length);
        Assert.False(Layout().TryGetProperty("shapes", out _));
    }

    [Fact]
    public void LossCurvesChart_Curves_DrawsOneLinePerSizeOnALogLossAxis()
    {
        var curves = new LossCurves([new LossCurve(5, [1, 2, 3], [1.0, 0.5, 0.25]), new LossCurve(30, [1, 2], [0.9, 0.1])]);

        Render<LossCurvesChart>(p => p.Add(c => c.Curves, curves).Add(c => c.BestNHidden, 30));

        var traces = Traces();
        Assert.Equal(["N = 5", "N = 30 ★"], traces.Select(t => t.GetProperty("name").GetString()));
        Assert.All(traces, t => Assert.Equal("scatter", t.GetProperty("type").GetString()));
        Assert.Equal([1.0, 0.5, 0.25], Numbers(traces[0].GetProperty("y")));
        Assert.True(traces[1].GetProperty("line").GetProperty("width").GetDouble() > traces[0].GetProperty("line").GetProperty("width").GetDouble());
        Assert.NotEqual(traces[0].GetProperty("line").GetProperty("color").GetString(), traces[1].GetProperty("line").GetProperty("color").GetString());
        Assert.Equal("log", Layout().GetProperty("yaxis").GetProperty("type").GetString());
    }

    [Fact]
    public void LossCurvesChart_ManyPoints_DrawsWithWebGl()
    {
        var iterations = Enumerable.Range(1, 10_001).ToArray();
        var loss = iterations.Select(i => 1.0 / i).ToArray();
        var curves = new LossCurves([new LossCurve(5, iterations, loss), new LossCurve(7, iterations, loss)]);

        Render<LossCurvesChart>(p => p.Add(c => c.Curves, curves));

        Assert.All(Traces(), t => Assert.Equal("scattergl", t.GetProperty("type").GetString()));
    }
}
