using System.Text.Json;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.LayoutLib.XAxisLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using Title = Plotly.Blazor.LayoutLib.Title;

namespace OneOff.Dashboard.Components.Controls.Charts;

/// <summary>The pieces every chart shares: fonts, margins, titles, axes, the boundary trace.</summary>
internal static partial class ChartLayouts
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

    /// <summary>The title's font size (<see cref="Base"/>) and about how wide one of its characters is, in pixels.</summary>
    private const int TitleFontPixels = 16;
    private const double TitleCharPixels = 8.8;
    private const int LegendRowPixels = 21;

    /// <summary>Below this width a chart is on a phone: its legend goes above the plot, on lines of its own.</summary>
    private const int NarrowChartPixels = 640;

    /// <summary>A side legend with more entries than this stays at the side on a phone (one per line reads best).</summary>
    private const int MostEntriesAbove = 8;

    /// <summary>The width the charts' top margins were laid out for (the results panel on a 1360 px laptop).</summary>
    private const int LaptopChartPixels = 1100;

    /// <summary>
    /// The figure fitted to a chart <paramref name="width"/> pixels wide (unchanged while the width is unknown).
    /// On a laptop, a title or legend too long for the width gets more lines and the top margin grows by them. On a
    /// phone (under 640 px) the top is laid out again from the top down: the title broken onto lines that fit (its
    /// smaller second line too), then a short legend on rows of its own (a long side legend stays at the side), then
    /// the plot; a square plot is as tall as it is wide. The plot keeps its width and nothing overlaps.
    /// </summary>
    public static ChartFigure FitToWidth(ChartFigure figure, int? width)
    {
        ArgumentNullException.ThrowIfNull(figure);
        if (width is not { } w)
        {
            return figure;
        }

        return w < NarrowChartPixels ? FitToPhone(figure, w) : FitToLaptop(figure, w);
    }

    private static ChartFigure FitToLaptop(ChartFigure figure, int width)
    {
        var layout = figure.Layout;
        var lines = TitleLines(layout.Title?.Text, width);
        var legendExtra = layout.Legend is [{ Orientation: Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H } above] && above.Y >= 1
            ? Math.Max(0, LegendRows(LegendEntries(figure), width - 40) - LegendRows(LegendEntries(figure), LaptopChartPixels - 40)) * LegendRowPixels
            : 0;
        var extra = (lines.Added * TitleLinePixels) + legendExtra;
        if (extra == 0)
        {
            return figure;
        }

        layout.Margin ??= new Margin();
        var height = (layout.Height ?? 450) + extra;
        if (lines.Added > 0)
        {
            TitleAtTop(layout, lines);
        }

        layout.Margin.T += extra;
        layout.Height = height;
        return figure with { Layout = layout };
    }

    private static ChartFigure FitToPhone(ChartFigure figure, int width)
    {
        var layout = figure.Layout;
        layout.Margin ??= new Margin();
        var lines = TitleLines(layout.Title?.Text, width);
        var top = 8 + (lines.Count * TitleLinePixels) + 6;
        var entries = LegendEntries(figure);
        if (layout.Legend is [{ } legend] && (legend.X > 1 ? entries.Count <= MostEntriesAbove : legend.Y >= 1))
        {
            legend.Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H;
            (legend.X, legend.XAnchor) = (0, Plotly.Blazor.LayoutLib.LegendLib.XAnchorEnum.Left);
            legend.YRef = Plotly.Blazor.LayoutLib.LegendLib.YRefEnum.Container;
            legend.YAnchor = Plotly.Blazor.LayoutLib.LegendLib.YAnchorEnum.Top;
            legend.Y = top; // in pixels for now: a fraction of the height once it is known
            top += LegendRows(entries, width - 40) * LegendRowPixels;
        }

        // Panel titles just above the plot (annotations at its top) keep their lines: side by side, each broken to
        // its panel's share of the width.
        var panelTitles = layout.Annotations?.Where(a => a.Y is IConvertible y && y.ToDouble(System.Globalization.CultureInfo.InvariantCulture) >= 1 && a.Text is not null).ToList() ?? [];
        if (panelTitles.Count > 0)
        {
            var share = (int)((width - (double)((layout.Margin.L ?? 0) + (layout.Margin.R ?? 0))) / panelTitles.Count) + 24;
            var most = 1;
            foreach (var title in panelTitles.Where(a => !a.Text!.Contains("<br", StringComparison.Ordinal)))
            {
                var broken = Break(title.Text!, share, TitleCharPixels * 0.82);
                title.Text = string.Join("<br />", broken);
                most = Math.Max(most, broken.Count);
            }

            top += most * TitleLinePixels;
        }

        var oldHeight = (double)(layout.Height ?? 450);
        var plotHeight = SquarePlotHeight(layout, width) ?? (oldHeight - (double)((layout.Margin.T ?? 0) + (layout.Margin.B ?? 0)));
        var height = (decimal)Math.Round(top + 8 + plotHeight + (double)(layout.Margin.B ?? 0));
        layout.Margin.T = top + 8;
        layout.Height = height;
        if (layout.Legend is [{ YRef: Plotly.Blazor.LayoutLib.LegendLib.YRefEnum.Container } placed])
        {
            placed.Y = 1 - (placed.Y / height);
        }

        TitleAtTop(layout, lines);
        return figure with { Layout = layout };
    }

    /// <summary>
    /// The plot height that makes a chart's square panel (a y axis scaled to its x axis) as tall as it is wide in a
    /// chart <paramref name="width"/> wide; null when no full-width axis is square or the chart lays out many panels itself.
    /// </summary>
    private static double? SquarePlotHeight(Plotly.Blazor.Layout layout, int width)
    {
        if (layout.YAxis is not { Count: > 0 and <= 2 } yAxes || yAxes.FirstOrDefault(y => y.ScaleAnchor is not null) is not { } square)
        {
            return null;
        }

        var plotWidth = width - (double)((layout.Margin?.L ?? 0) + (layout.Margin?.R ?? 0));
        var xDomain = layout.XAxis?.FirstOrDefault(x => string.Equals("x" + (x.Anchor is { Length: > 1 } a ? a[1..] : ""), square.ScaleAnchor, StringComparison.Ordinal)
            || (x.Anchor is null && square.ScaleAnchor == "x"))?.Domain;
        var xFraction = xDomain is [var x0, var x1] ? Convert.ToDouble(x1, System.Globalization.CultureInfo.InvariantCulture) - Convert.ToDouble(x0, System.Globalization.CultureInfo.InvariantCulture) : 1;
        // Square panels side by side (the training data's two) would be too small to read at a phone's height.
        return xFraction < 0.9 ? null : Math.Max(120, plotWidth * xFraction);
    }

    private const int TitleLinePixels = TitleFontPixels + 4;

    /// <summary>The title on <paramref name="lines"/>, hung from the top of the chart (its 'auto' place centres it in the top margin, onto the legend).</summary>
    private static void TitleAtTop(Plotly.Blazor.Layout layout, TitleText lines)
    {
        if (layout.Title is null)
        {
            return;
        }

        layout.Title.Text = lines.Text;
        layout.Title.YRef = Plotly.Blazor.LayoutLib.TitleLib.YRefEnum.Container;
        // Measured: with its top anchored, a title of more than one line still rises about a line above its y.
        layout.Title.Y = 1 - ((8m + (lines.Count > 1 ? TitleFontPixels : 0)) / (layout.Height ?? 450));
        layout.Title.YAnchor = Plotly.Blazor.LayoutLib.TitleLib.YAnchorEnum.Top;
    }

    /// <summary>
    /// The title broken at spaces into lines a chart <paramref name="width"/> wide holds; a second line the title was
    /// written with (a smaller <c>&lt;span&gt;</c> after <c>&lt;br&gt;</c>) is broken the same way, in its own size.
    /// </summary>
    private static TitleText TitleLines(string? title, int width)
    {
        if (string.IsNullOrEmpty(title))
        {
            return new(title ?? "", 1, 0);
        }

        var segments = new List<string>();
        var count = 0;
        foreach (var segment in title.Split("<br>"))
        {
            var lines = SmallLine().Match(segment) is { Success: true } small
                ? Break(small.Groups[2].Value, width, TitleCharPixels * 0.82).Select(l => $"{small.Groups[1].Value}{l}</span>").ToList()
                : Break(segment, width, TitleCharPixels);
            count += lines.Count;
            segments.Add(string.Join("<br />", lines));
        }

        // Breaks the title was written with stay <br> (its label reads them as a dash); the fitted ones are <br />.
        return new(string.Join("<br>", segments), count, count - segments.Count);
    }

    /// <summary>A title's text with its line breaks, how many lines it has and how many of them fitting it added.</summary>
    private readonly record struct TitleText(string Text, int Count, int Added);

    private static List<string> Break(string text, int width, double charPixels)
    {
        var perLine = Math.Max(16, (int)((width - 24) / charPixels));
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > perLine)
            {
                lines.Add(line);
                line = word;
            }
            else
            {
                line = line.Length == 0 ? word : line + " " + word;
            }
        }

        lines.Add(line);
        return lines;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^(<span[^>]*>)(.*)</span>$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex SmallLine();

    /// <summary>The widths of a figure's legend entries: about 7 px a character plus the symbol and the gaps (Plotly wraps them).</summary>
    private static List<int> LegendEntries(ChartFigure figure) =>
        [.. figure.Data.OfType<Scatter>().Where(t => t.ShowLegend != false && t.Name is not null).Select(t => 48 + (7 * t.Name!.Length))];

    private static int LegendRows(List<int> entries, int width)
    {
        var (rows, used) = (entries.Count > 0 ? 1 : 0, 0);
        foreach (var entry in entries)
        {
            if (used > 0 && used + entry > width)
            {
                (rows, used) = (rows + 1, 0);
            }

            used += entry;
        }

        return rows;
    }

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
