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
    /// <summary>Where a horizontal legend above the plot starts, in plot fractions (1 is the plot's top frame).</summary>
    public const decimal LegendAbovePlot = 1.03m;

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
        // Above the plot with a little air: at y = 1 the legend's entries sit on the plot's frame.
        Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, X = 0, Y = LegendAbovePlot, YAnchor = Plotly.Blazor.LayoutLib.LegendLib.YAnchorEnum.Bottom }],
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

    /// <summary>
    /// Which of <paramref name="values"/> a log axis labels so that no two labels run together: the smallest and
    /// the largest, then the roundest values first (powers of ten, then 2 and 5 times them, then 3 times them),
    /// each only if it is at least <paramref name="spanFraction"/> of the axis' span (in decades) from every
    /// label already chosen. Every value keeps its marker; only the labels are thinned.
    /// </summary>
    public static List<int> LogAxisLabels(IEnumerable<int> values, double spanFraction = 1.0 / 13)
    {
        var sorted = values.Where(v => v > 0).Distinct().Order().ToList();
        if (sorted.Count <= 2)
        {
            return sorted;
        }

        var gap = (Math.Log10(sorted[^1]) - Math.Log10(sorted[0])) * spanFraction;
        var chosen = new List<int> { sorted[0], sorted[^1] };
        foreach (var value in sorted.Skip(1).SkipLast(1).OrderBy(Roundness).ThenBy(v => v))
        {
            if (chosen.All(c => Math.Abs(Math.Log10(value) - Math.Log10(c)) >= gap))
            {
                chosen.Add(value);
            }
        }

        chosen.Sort();
        return chosen;
    }

    private static int Roundness(int value)
    {
        while (value % 10 == 0)
        {
            value /= 10;
        }

        return value switch { 1 => 0, 2 or 5 => 1, 3 => 2, _ => 3 };
    }

    /// <summary>
    /// Labelled ticks for a log axis over [<paramref name="min"/>, <paramref name="max"/>] (positive): 1-2-5 steps
    /// (finer when the data spans about a decade, coarser over many), written as plain numbers ("0.25", not a bare
    /// minor digit "2"), and a range from the tick at or below the smallest value to the tick at or above the
    /// largest, so that both ends are labelled. Null when there is nothing positive to draw.
    /// </summary>
    public static LogTicks? LogAxisTicks(double min, double max)
    {
        if (!(double.IsFinite(min) && double.IsFinite(max) && min > 0 && max >= min))
        {
            return null;
        }

        var span = Math.Log10(max / min);
        double[] steps = span switch
        {
            <= 1.2 => [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8],
            <= 2.5 => [1, 2, 3, 5],
            <= 5 => [1, 2, 5],
            _ => [1],
        };
        var candidates = new List<double>();
        for (var decade = (int)Math.Floor(Math.Log10(min)) - 1; decade <= (int)Math.Ceiling(Math.Log10(max)) + 1; decade++)
        {
            foreach (var step in steps)
            {
                candidates.Add(Clean(step * Math.Pow(10, decade)));
            }
        }

        var low = candidates.Last(c => c <= min * (1 + 1e-9));
        var high = candidates.First(c => c >= max * (1 - 1e-9));
        if (high <= low)
        {
            high = candidates.First(c => c > low);
        }

        var ticks = candidates.Where(c => c >= low && c <= high).ToList();
        return new LogTicks(ticks, [.. ticks.Select(TickText)], Math.Log10(low), Math.Log10(high));
    }

    private static double Clean(double value) => double.Parse(value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A tick's label: a plain number between 0.0001 and 100 000, else 1e-5 style.</summary>
    public static string TickText(double value)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        if (value is >= 1e-4 and < 1e5)
        {
            return value.ToString("0.#####", culture);
        }

        var exponent = (int)Math.Floor(Math.Log10(value));
        var mantissa = Clean(value / Math.Pow(10, exponent));
        return mantissa.ToString("0.##", culture) + "e" + exponent.ToString(culture);
    }
}

/// <summary>A log axis' labelled ticks and its range (in log10 units, as Plotly takes a log axis' range).</summary>
internal sealed record LogTicks(IReadOnlyList<double> Values, IReadOnlyList<string> Texts, double RangeLow, double RangeHigh);
