using OneOff.Dashboard.Components.Controls.Charts;

namespace OneOff.Dashboard.Tests.Components.Controls.Charts;

public sealed class SurfaceGridChartTests : ChartTestContext
{
    [Fact]
    public void Render_EverySize_DrawsOneHeatmapPerSizeOnItsOwnSharedAxes()
    {
        Render<SurfaceGridChart>(p => p.Add(c => c.Surfaces, SurfaceCharts.Set()).Add(c => c.Metrics, SurfaceCharts.Metrics()));

        var heatmaps = Traces().Where(t => t.GetProperty("type").GetString() == "heatmap").ToArray();
        Assert.Equal(["N = 5", "N = 30", "N = 600"], heatmaps.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(["x", "x2", "x3"], heatmaps.Select(t => t.GetProperty("xaxis").GetString()));
        Assert.Equal([[1.0, 1, 1], [1.0, 1, 1]], heatmaps[1].GetProperty("z").EnumerateArray().Select(row => Numbers(row)));
        var layout = Layout();
        Assert.Equal(["x", "x"], new[] { "xaxis2", "xaxis3" }.Select(a => layout.GetProperty(a).GetProperty("matches").GetString()));
        Assert.Equal(["x", "x2", "x3"], new[] { "yaxis", "yaxis2", "yaxis3" }.Select(a => layout.GetProperty(a).GetProperty("scaleanchor").GetString()));
        Assert.All(new[] { "yaxis", "yaxis2", "yaxis3" }, a => Assert.Equal("domain", layout.GetProperty(a).GetProperty("constrain").GetString()));
    }

    [Fact]
    public void Render_WithMetrics_TitlesEachPanelAndStarsTheBestSize()
    {
        Render<SurfaceGridChart>(p => p.Add(c => c.Surfaces, SurfaceCharts.Set()).Add(c => c.Metrics, SurfaceCharts.Metrics()));

        var titles = Layout().GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString() ?? "").ToArray();
        Assert.Equal(3, titles.Length);
        Assert.Contains("★ N = 30 · agreement 0.940", titles[1], StringComparison.Ordinal);
        Assert.DoesNotContain("★", titles[0], StringComparison.Ordinal);
        Assert.Equal(3, Traces().Count(t => t.GetProperty("name").GetString() == "true X/O boundary"));
    }

    [Fact]
    public void Render_SevenSizesInRowsOfThree_GrowsToThreeRows()
    {
        var set = SurfaceCharts.Set();
        var seven = set with { NHidden = [1, 2, 3, 4, 5, 6, 7], Classes = [.. Enumerable.Repeat(set.Classes[0], 7)] };

        Render<SurfaceGridChart>(p => p.Add(c => c.Surfaces, seven).Add(c => c.Columns, 3));

        var layout = Layout();
        Assert.Equal(104 + 55 + (3 * (322 + 52)), layout.GetProperty("height").GetInt32());
        Assert.Equal(7, Traces().Count(t => t.GetProperty("type").GetString() == "heatmap"));
        Assert.True(layout.GetProperty("yaxis7").GetProperty("domain")[1].GetDouble() < 1.0 / 3);
    }

    [Fact]
    public void Render_TwentySizes_RowsNoTallerThanTheirSquarePanelsOnALaptop()
    {
        var set = SurfaceCharts.Set();
        var twenty = set with { NHidden = [.. Enumerable.Range(1, 20)], Classes = [.. Enumerable.Repeat(set.Classes[0], 20)] };

        Render<SurfaceGridChart>(p => p.Add(c => c.Surfaces, twenty));

        // A 1360 px window gives the chart about 1160 px, 1080 of them plot (60 + 20 px of side margins).
        var layout = Layout();
        var plotHeight = layout.GetProperty("height").GetDouble() - layout.GetProperty("margin").GetProperty("t").GetDouble() - layout.GetProperty("margin").GetProperty("b").GetDouble();
        foreach (var k in new[] { 1, 6, 20 })
        {
            var x = Numbers(layout.GetProperty($"xaxis{(k == 1 ? "" : k)}").GetProperty("domain"));
            var y = Numbers(layout.GetProperty($"yaxis{(k == 1 ? "" : k)}").GetProperty("domain"));
            var panelWidth = (x[1]!.Value - x[0]!.Value) * 1080;
            var rowSpace = (y[1]!.Value - y[0]!.Value) * plotHeight;
            Assert.True(Math.Abs(rowSpace - panelWidth) <= 3, $"panel {k}: {rowSpace:0} px of height for a {panelWidth:0} px square leaves an empty band");
        }
    }
}
