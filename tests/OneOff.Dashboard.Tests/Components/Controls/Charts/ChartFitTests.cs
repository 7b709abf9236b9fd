using Bunit;
using OneOff.Dashboard.Components.Controls.Charts;

namespace OneOff.Dashboard.Tests.Components.Controls.Charts;

/// <summary>
/// Charts told their width (the results panel measures it in the browser): on a phone the title is broken onto lines
/// that fit, short side legends move above the plot, the surface grid shows two panels a row and every panel title
/// fits its panel; on a laptop nothing changes.
/// </summary>
public sealed class ChartFitTests : ChartTestContext
{
    [Fact]
    public void Render_OnAPhone_BreaksTheTitleAndKeepsItsName()
    {
        var cut = Render<AccuracyChart>(p => p.Add(c => c.Metrics, SurfaceCharts.Metrics()).Add(c => c.Width, 324));

        var title = Layout().GetProperty("title").GetProperty("text").GetString()!;
        Assert.Contains("<br />", title, StringComparison.Ordinal);
        Assert.All(title.Split("<br />"), line => Assert.True(line.Length <= 34, $"'{line}' is too long for 324 px"));
        Assert.Equal("Accuracy and surface agreement against the hidden-layer size", cut.Find("[role=figure]").GetAttribute("aria-label"));
    }

    [Fact]
    public void FitToWidth_OnALaptopOrUnknown_LeavesTheFigureAsItWas()
    {
        var figure = new ChartFigure([], ChartLayouts.Base("Accuracy and surface agreement against the hidden-layer size", 440));

        Assert.Same(figure, ChartLayouts.FitToWidth(figure, 1160));
        Assert.Same(figure, ChartLayouts.FitToWidth(figure, null));
        Assert.Equal(440, figure.Height);
    }

    [Fact]
    public void Render_DecisionSurfaceOnAPhone_MovesItsLegendAboveASquarePlot()
    {
        Render<DecisionSurfaceChart>(p => p.Add(c => c.Surface, SurfaceCharts.Surface()).Add(c => c.Metrics, SurfaceCharts.Metrics().Models[1]).Add(c => c.Width, 324));

        var layout = Layout();
        var legend = layout.GetProperty("legend");
        Assert.Equal("h", legend.GetProperty("orientation").GetString());
        Assert.Equal("container", legend.GetProperty("yref").GetString());
        var margin = layout.GetProperty("margin");
        var plotHeight = layout.GetProperty("height").GetDouble() - margin.GetProperty("t").GetDouble() - margin.GetProperty("b").GetDouble();
        var plotWidth = 324 - margin.GetProperty("l").GetDouble() - margin.GetProperty("r").GetDouble();
        Assert.InRange(plotHeight, plotWidth - 2, plotWidth + 2);
        // The legend hangs below the title's lines and above the plot.
        var legendTop = (1 - legend.GetProperty("y").GetDouble()) * layout.GetProperty("height").GetDouble();
        Assert.InRange(legendTop, 40, margin.GetProperty("t").GetDouble() - 20);
    }

    [Theory]
    [InlineData(1160, 5)]
    [InlineData(700, 4)]
    [InlineData(324, 2)]
    [InlineData(100, 2)]
    public void ColumnsFor_TheChartsWidth_FitsPanelsOfAbout150Pixels(int width, int columns) =>
        Assert.Equal(columns, SurfaceGridChart.ColumnsFor(width));

    [Fact]
    public void Render_SurfaceGridOnAPhone_PutsEachPanelTitleOnTwoLines()
    {
        Render<SurfaceGridChart>(p => p.Add(c => c.Surfaces, SurfaceCharts.Set()).Add(c => c.Metrics, SurfaceCharts.Metrics())
            .Add(c => c.Columns, 2).Add(c => c.PlotPixels, 244).Add(c => c.Width, 324));

        var titles = Layout().GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString() ?? "").ToArray();
        Assert.All(titles, t => Assert.Contains("<br>agreement", t, StringComparison.Ordinal));
        var layout = Layout();
        // Rows as tall as a 244 px plot's panels are wide (two a row), not a laptop's.
        Assert.True(layout.GetProperty("height").GetDouble() < 104 + 55 + (2 * (340 + 68)), "rows are laid out for a laptop");
    }
}
