using OneOff.Core.Query;
using OneOff.Core.Runs;
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

    private static readonly int[] s_twentySizes = [1, 2, 3, 5, 8, 10, 20, 30, 50, 100, 200, 300, 500, 800, 1000, 1200, 1400, 1600, 1800, 2000];

    [Fact]
    public void AccuracyChart_TwentySizes_LabelsOnlySizesWhoseLabelsDoNotRunTogether()
    {
        var metrics = new RunMetrics([.. s_twentySizes.Select(n => new ModelMetrics(n, 0.9, 0.9, 0.9, 10, 0.1, 0.1))]);

        Render<AccuracyChart>(p => p.Add(c => c.Metrics, metrics));

        var x = Layout().GetProperty("xaxis");
        var labelled = Numbers(x.GetProperty("tickvals")).Select(v => v!.Value).ToArray();
        Assert.Equal([1.0, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000], labelled);
        Assert.Equal(labelled.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)), x.GetProperty("ticktext").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(s_twentySizes.Select(n => (double?)n), Numbers(Traces()[0].GetProperty("x")));
    }

    [Fact]
    public void AccuracyChart_Legend_SitsAboveThePlotFrameNotOnIt()
    {
        Render<AccuracyChart>(p => p.Add(c => c.Metrics, SurfaceCharts.Metrics()));

        var legend = Layout().GetProperty("legend");
        Assert.Equal("bottom", legend.GetProperty("yanchor").GetString());
        Assert.True(legend.GetProperty("y").GetDouble() > 1.0, "a legend anchored at y = 1 sits on the plot's top frame");
    }

    [Fact]
    public void LossCurvesChart_LossDownTo024_LabelsPlainNumbersDownBelowTheCurves()
    {
        var curves = new LossCurves([new LossCurve(5, [1, 2, 3], [1.1, 0.6, 0.31]), new LossCurve(30, [1, 2, 3], [1.05, 0.4, 0.24])]);

        Render<LossCurvesChart>(p => p.Add(c => c.Curves, curves));

        var y = Layout().GetProperty("yaxis");
        var values = Numbers(y.GetProperty("tickvals")).Select(v => v!.Value).ToArray();
        var texts = y.GetProperty("ticktext").EnumerateArray().Select(t => t.GetString()!).ToArray();
        Assert.Equal(values.Length, texts.Length);
        Assert.All(values.Zip(texts), tick => Assert.Equal(tick.First, double.Parse(tick.Second, System.Globalization.CultureInfo.InvariantCulture), 12));
        Assert.Contains(values, v => v is < 0.3 and >= 0.2);
        var range = Numbers(y.GetProperty("range"));
        Assert.True(range[0] <= Math.Log10(0.24) && range[1] >= Math.Log10(1.1), $"the range {range[0]}..{range[1]} (log10) must hold 0.24..1.1");
        Assert.True(Math.Pow(10, range[0]!.Value) >= values[0] - 1e-9, "the lowest tick is inside the range, so it is labelled");
    }

    [Fact]
    public void LossCurvesChart_TwentySizes_LegendFitsWithoutItsOwnScrollbar()
    {
        var curves = new LossCurves([.. s_twentySizes.Select(n => new LossCurve(n, [1, 2], [1.0, 0.5]))]);

        Render<LossCurvesChart>(p => p.Add(c => c.Curves, curves));

        var layout = Layout();
        var plotHeight = layout.GetProperty("height").GetDouble() - layout.GetProperty("margin").GetProperty("t").GetDouble() - layout.GetProperty("margin").GetProperty("b").GetDouble();
        Assert.True(plotHeight >= s_twentySizes.Length * 20, $"20 legend entries of about 20 px need {s_twentySizes.Length * 20} px; the plot is {plotHeight} px tall");
    }
}
