using Bunit;
using OneOff.Dashboard.Components.Controls.Charts;

namespace OneOff.Dashboard.Tests.Components.Controls.Charts;

public sealed class DecisionSurfaceChartTests : ChartTestContext
{
    [Fact]
    public void Render_Surface_DrawsAHeatmapOfTheClassCodesWithThreeFlatColours()
    {
        Render<DecisionSurfaceChart>(p => p.Add(c => c.Surface, SurfaceCharts.Surface()));

        var heatmap = Traces()[0];
        Assert.Equal("heatmap", heatmap.GetProperty("type").GetString());
        Assert.Equal([-1.0, 0, 1], Numbers(heatmap.GetProperty("x")));
        Assert.Equal([-0.5, 0.5], Numbers(heatmap.GetProperty("y")));
        var z = heatmap.GetProperty("z").EnumerateArray().Select(row => Numbers(row)).ToArray();
        Assert.Equal([[0.0, 1, 2], [2.0, 1, 0]], z);
        Assert.Equal((0, 2), (heatmap.GetProperty("zmin").GetInt32(), heatmap.GetProperty("zmax").GetInt32()));
        var scale = heatmap.GetProperty("colorscale").EnumerateArray().Select(stop => stop[1].GetString()).Distinct().ToArray();
        Assert.Equal([ChartPalette.XLight, ChartPalette.OLight, ChartPalette.BLight], scale);
        Assert.Equal("X (p = 0.90)", heatmap.GetProperty("text")[0][0].GetString());
    }

    [Fact]
    public void Render_Surface_DrawsTheTrueBoundaryAndAClassLegend()
    {
        Render<DecisionSurfaceChart>(p => p.Add(c => c.Surface, SurfaceCharts.Surface()).Add(c => c.Boundary, new TrueBoundary(3, 0.5)));

        var traces = Traces();
        var boundary = traces[1];
        Assert.Equal("true X/O boundary", boundary.GetProperty("name").GetString());
        Assert.Equal("lines", boundary.GetProperty("mode").GetString());
        var (x, y) = new TrueBoundary(3, 0.5).Lines(DecisionSurfaceChart.Half);
        Assert.Equal(x.Count, boundary.GetProperty("x").GetArrayLength());
        Assert.Equal(["predicted X", "predicted O", "predicted B"], traces[2..].Select(t => t.GetProperty("name").GetString()));
    }

    [Fact]
    public void Render_WithMetrics_PutsTheAccuracyFiguresInTheTitleOnASquareMap()
    {
        Render<DecisionSurfaceChart>(p => p.Add(c => c.Surface, SurfaceCharts.Surface()).Add(c => c.Metrics, SurfaceCharts.Metrics().Models[1]));

        var layout = Layout();
        var title = layout.GetProperty("title").GetProperty("text").GetString();
        Assert.Contains("N = 30", title, StringComparison.Ordinal);
        Assert.Contains("train accuracy 0.900", title, StringComparison.Ordinal);
        Assert.Contains("test accuracy 0.890", title, StringComparison.Ordinal);
        Assert.Contains("surface agreement 0.940", title, StringComparison.Ordinal);
        Assert.Equal("x", layout.GetProperty("yaxis").GetProperty("scaleanchor").GetString());
        Assert.Equal("x", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void SetParameters_OtherSize_RedrawsThatSurface()
    {
        var chart = Render<DecisionSurfaceChart>(p => p.Add(c => c.Surface, SurfaceCharts.Surface(30)));

        chart.Render(p => p.Add(c => c.Surface, SurfaceCharts.Surface(600)));

        Assert.Equal(1, Calls("react"));
        Assert.Contains("N = 600", Layout("react").GetProperty("title").GetProperty("text").GetString(), StringComparison.Ordinal);
    }
}
