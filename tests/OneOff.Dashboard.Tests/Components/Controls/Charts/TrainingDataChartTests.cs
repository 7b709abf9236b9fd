using Bunit;
using OneOff.Core.Query;
using OneOff.Dashboard.Components.Controls.Charts;

namespace OneOff.Dashboard.Tests.Components.Controls.Charts;

public sealed class TrainingDataChartTests : ChartTestContext
{
    internal static PointSet Points() => new(
        X0: [1, 2, 3, 4, 5],
        Y0: [-1, -2, -3, -4, -5],
        X: [1.1f, 2.1f, 3.1f, 4.1f, 5.1f],
        Y: [-1.1f, -2.1f, -3.1f, -4.1f, -5.1f],
        Classes: [0, 1, 2, 2, 1]);

    [Fact]
    public void Render_Points_DrawsOneWebGlTracePerClassInEachPanel()
    {
        Render<TrainingDataChart>(p => p.Add(c => c.Points, Points()));

        var traces = Traces();
        Assert.Equal(1, Calls("newPlot"));
        Assert.Equal(6, traces.Length);
        Assert.All(traces, t => Assert.Equal("scattergl", t.GetProperty("type").GetString()));
        Assert.Equal(["B", "X", "O", "B", "X", "O"], traces.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal([3, 1, 2], traces[..3].Select(t => t.GetProperty("legendrank").GetInt32()));
        Assert.Equal(["x", "x", "x", "x2", "x2", "x2"], traces.Select(t => t.GetProperty("xaxis").GetString()));
        Assert.Equal([ChartPalette.B, ChartPalette.X, ChartPalette.O], traces[..3].Select(t => t.GetProperty("marker").GetProperty("color").GetString()));
        Assert.Equal([3.0, 4.0, 1.0, 2.0, 5.0], traces[..3].SelectMany(t => Numbers(t.GetProperty("x"))));
        Assert.Equal([-3.1, -4.1, -1.1, -2.1, -5.1], traces[3..].SelectMany(t => Numbers(t.GetProperty("y"))).Select(v => Math.Round(v ?? 0, 4)));
        Assert.Equal([true, true, true, false, false, false], traces.Select(t => t.GetProperty("showlegend").GetBoolean()));
    }

    [Theory]
    [InlineData(5, null, "Training data (5 points)")]
    [InlineData(5, 5L, "Training data (5 points)")]
    [InlineData(50152, 1000000L, "Training data (a sample: 50,152 of 1,000,000 points shown)")]
    public void TitleFor_SampledOrWhole_SaysWhichItIs(int shown, long? total, string title)
    {
        Assert.Equal(title, TrainingDataChart.TitleFor(shown, total));
    }

    [Fact]
    public void Render_SampleOfMorePoints_TitleSaysItIsASample()
    {
        Render<TrainingDataChart>(p => p.Add(c => c.Points, Points()).Add(c => c.TotalPoints, 2000L));

        Assert.Equal("Training data (a sample: 5 of 2,000 points shown)", Layout().GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void Render_Points_KeepsTheMapsSquareWithTitledSharedAxes()
    {
        Render<TrainingDataChart>(p => p.Add(c => c.Points, Points()));

        var layout = Layout();
        Assert.Equal("x", layout.GetProperty("yaxis").GetProperty("scaleanchor").GetString());
        Assert.Equal("x", layout.GetProperty("xaxis2").GetProperty("matches").GetString());
        Assert.Equal("y", layout.GetProperty("yaxis2").GetProperty("matches").GetString());
        Assert.Contains("noiseless", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("jittered", layout.GetProperty("xaxis2").GetProperty("title").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("5 points", layout.GetProperty("title").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WithBoundary_DrawsTheTrueBoundaryOnBothPanels()
    {
        Render<TrainingDataChart>(p => p.Add(c => c.Points, Points()).Add(c => c.Boundary, TrueBoundary.Default));

        var lines = Traces().Where(t => t.GetProperty("type").GetString() == "scatter").ToArray();
        Assert.Equal(["x", "x2"], lines.Select(t => t.GetProperty("xaxis").GetString()));
        Assert.All(lines, t => Assert.Equal("lines", t.GetProperty("mode").GetString()));
    }

    [Fact]
    public void SetParameters_NewPoints_RedrawsWithReact()
    {
        var chart = Render<TrainingDataChart>(p => p.Add(c => c.Points, Points()));

        chart.Render(p => p.Add(c => c.Points, Points() with { Classes = [1, 1, 1, 1, 1] }));

        Assert.Equal(1, Calls("newPlot"));
        Assert.Equal(1, Calls("react"));
        Assert.Equal([0, 0, 5], Traces("react")[..3].Select(t => t.GetProperty("x").GetArrayLength()));
    }

    [Fact]
    public void SetParameters_SamePoints_DoesNotRedraw()
    {
        var points = Points();
        var chart = Render<TrainingDataChart>(p => p.Add(c => c.Points, points));

        chart.Render(p => p.Add(c => c.Points, points));

        Assert.Empty(Module.Invocations["react"]);
    }
}
