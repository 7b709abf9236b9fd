using System.Text.Json;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.LayoutLib.XAxisLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using Title = Plotly.Blazor.LayoutLib.Title;

namespace OneOff.Dashboard.Components.Controls.Charts;

/// <summary>The pieces every chart shares: fonts, margins, titles, axes, the boundary trace.</summary>
internal static class ChartLayouts
{
    public static Plotly.Blazor.Layout Base(string title, int height) => new()
    {
        Title = new Title { Text = title, X = 0.01m, XAnchor = Plotly.Blazor.LayoutLib.TitleLib.XAnchorEnum.Left, Font = new() { Size = 16 } },
        Height = height,
        AutoSize = true,
        Font = new Font { Family = ChartPalette.FontFamily, Size = 13, Color = "#222" },
        Margin = new Margin { L = 60, R = 20, T = 70, B = 55 },
        PaperBgColor = "#ffffff",
        PlotBgColor = "#ffffff",
        HoverMode = HoverModeEnum.Closest,
        Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, X = 0, Y = 1.0m, YAnchor = Plotly.Blazor.LayoutLib.LegendLib.YAnchorEnum.Bottom }],
    };

    public static XAxis XAxis(string title) => new()
    {
        Title = new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = title },
        GridColor = ChartPalette.Grid,
        ZeroLine = false,
        ShowLine = true,
        LineColor = "#888",
        Mirror = MirrorEnum.True,
        Ticks = TicksEnum.Outside,
    };

    public static YAxis YAxis(string title) => new()
    {
        Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = title },
        GridColor = ChartPalette.Grid,
        ZeroLine = false,
        ShowLine = true,
        LineColor = "#888",
        Mirror = Plotly.Blazor.LayoutLib.YAxisLib.MirrorEnum.True,
        Ticks = Plotly.Blazor.LayoutLib.YAxisLib.TicksEnum.Outside,
    };

    /// <summary>
    /// A missing point of a trace: written as JSON <c>null</c>, where Plotly draws a gap (a line trace) or no marker.
    /// Plotly.Blazor's coordinate lists hold non-null objects, so a gap is this object rather than a null.
    /// </summary>
    public static object Gap { get; } = JsonSerializer.SerializeToElement<object?>(null);

    /// <summary>The true X/O boundary inside [-half, half]² as one line trace on the given axes.</summary>
    public static Scatter Boundary(TrueBoundary boundary, double half, string xAxis = "x", string yAxis = "y", bool showLegend = true, decimal width = 2)
    {
        var (x, y) = boundary.Lines(half);
        return new Scatter
        {
            Name = "true X/O boundary",
            Mode = ModeFlag.Lines,
            X = x,
            Y = y,
            XAxis = xAxis,
            YAxis = yAxis,
            Line = new Line { Color = ChartPalette.Boundary, Width = width },
            HoverInfo = HoverInfoFlag.Skip,
            LegendGroup = "boundary",
            ShowLegend = showLegend,
            ConnectGaps = false,
        };
    }

    /// <summary>A legend-only entry (a square of a class-map colour): heatmaps have no legend entries of their own.</summary>
    public static Scatter LegendSwatch(string name, string color) => new()
    {
        Name = name,
        Mode = ModeFlag.Markers,
        X = [Gap],
        Y = [Gap],
        Marker = new Marker { Color = color, Size = 14, Symbol = Plotly.Blazor.Traces.ScatterLib.MarkerLib.SymbolEnum.Square },
        HoverInfo = HoverInfoFlag.Skip,
    };

    public static string Fraction(double value) => value.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
}
