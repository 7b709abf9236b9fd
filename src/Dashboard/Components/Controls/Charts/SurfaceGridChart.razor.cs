using System.Globalization;
using Microsoft.AspNetCore.Components;
using OneOff.Core.Query;
using OneOff.Core.Runs;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;

namespace OneOff.Dashboard.Components.Controls.Charts;

public sealed partial class SurfaceGridChart : ChartComponent
{
    private const double Gap = 0.035;
    // Room for the title and, below it, the legend (8 px above the first row): at 80 px the two overlapped.
    private const int TopMargin = 104;
    private const int BottomMargin = 55;
    private const int TitlePixels = 26;
    // A panel narrower than this has its title on two lines ("N = 30" over "agreement 0.912"): on one they ran
    // into the next panel's.
    private const int TwoLineTitleBelow = 230;
    private const int TickPixels = 26;

    /// <summary>The plot area's width on a laptop (a 1360 px window): the chart's width less its side margins.</summary>
    internal const double LaptopPlotPixels = 1080;

    /// <summary>Every model's class map.</summary>
    [Parameter, EditorRequired]
    public required SurfaceSet Surfaces { get; set; }

    /// <summary>The run's metrics: each panel's surface agreement, and the best size marked.</summary>
    [Parameter]
    public RunMetrics? Metrics { get; set; }

    /// <summary>The size marked best (the run record's); the metrics' <see cref="RunMetrics.BestNHidden"/> when null.</summary>
    [Parameter]
    public int? BestNHidden { get; set; }

    [Parameter]
    public TrueBoundary? Boundary { get; set; }

    /// <summary>Panels per row (default 5).</summary>
    [Parameter]
    public int Columns { get; set; } = 5;

    /// <summary>
    /// The width of the chart's plot area in pixels (the chart less its side margins; a laptop's by default): rows
    /// are as tall as a panel is wide at that width, so a phone's narrow grid has no empty bands between its rows.
    /// </summary>
    [Parameter]
    public double PlotPixels { get; set; } = LaptopPlotPixels;

    protected override object Inputs => (Surfaces, Metrics, BestNHidden, Boundary, Columns, PlotPixels);

    protected override ChartFigure Build() => Build(Surfaces, Metrics, Boundary ?? TrueBoundary.Default, Columns, BestNHidden, PlotPixels);

    /// <summary>The side margins of the chart (<see cref="ChartLayouts.Base"/>): a chart <c>w</c> wide plots <c>w - SideMargins</c>.</summary>
    internal const int SideMargins = 80;

    /// <summary>
    /// Panels per row for a chart <paramref name="chartPixels"/> wide: five on a laptop, fewer as the screen narrows,
    /// so a panel stays at least about 150 px wide (two on a phone).
    /// </summary>
    public static int ColumnsFor(double chartPixels) => (int)Math.Clamp(Math.Floor((chartPixels - SideMargins) / 150), 2, 5);

    internal static ChartFigure Build(SurfaceSet set, RunMetrics? metrics, TrueBoundary boundary, int columns, int? bestNHidden = null, double plotWidth = LaptopPlotPixels)
    {
        var count = set.NHidden.Length;
        columns = Math.Clamp(columns, 1, Math.Max(1, count));
        var rows = Math.Max(1, (count + columns - 1) / columns);
        var best = bestNHidden ?? metrics?.BestNHidden;

        // Panels are square: a row is as tall as a panel is wide on a laptop-sized chart (its plot area less the gaps
        // between columns), plus its title and ticks. Taller rows leave empty bands between the rows of panels.
        var panelPixels = PanelPixels(columns, plotWidth);
        var twoLines = panelPixels < TwoLineTitleBelow;
        var titlePixels = twoLines ? TitlePixels + 16 : TitlePixels;
        var rowPixels = panelPixels + titlePixels + TickPixels;
        var plotPixels = (double)rows * rowPixels;
        var x = set.X.Cast<object>().ToList();
        var y = set.Y.Cast<object>().ToList();

        var data = new List<ITrace>();
        var xAxes = new List<XAxis>();
        var yAxes = new List<YAxis>();
        var annotations = new List<Annotation>();
        for (var k = 0; k < count; k++)
        {
            var (row, column) = (k / columns, k % columns);
            var suffix = k == 0 ? "" : (k + 1).ToString(CultureInfo.InvariantCulture);
            data.Add(new HeatMap
            {
                Name = $"N = {set.NHidden[k]}",
                X = x,
                Y = y,
                Z = Rows(set.Classes[k], set.X.Length),
                ZMin = 0,
                ZMax = 2,
                ColorScale = ChartPalette.ClassColorScale,
                ShowScale = false,
                XAxis = "x" + suffix,
                YAxis = "y" + suffix,
                HoverTemplate = $"N = {set.NHidden[k]} (%{{x:.1f}}, %{{y:.1f}})<extra></extra>",
            });
            data.Add(ChartLayouts.Boundary(boundary, DecisionSurfaceChart.Half, "x" + suffix, "y" + suffix, showLegend: k == 0, width: 1));

            var left = (double)column / columns;
            var top = 1 - ((double)row / rows);
            var xAxis = new XAxis
            {
                Domain = [left + (Gap / 2), left + (1.0 / columns) - (Gap / 2)],
                Anchor = "y" + suffix,
                Range = [-DecisionSurfaceChart.Half, DecisionSurfaceChart.Half],
                ShowTickLabels = row == rows - 1 || k + columns >= count,
                ShowGrid = false,
                ZeroLine = false,
                Mirror = Plotly.Blazor.LayoutLib.XAxisLib.MirrorEnum.True,
                ShowLine = true,
                LineColor = best == set.NHidden[k] ? ChartPalette.Best : "#888",
                LineWidth = best == set.NHidden[k] ? 3 : 1,
            };
            var yAxis = new YAxis
            {
                Domain = [top - (1.0 / rows) + (TickPixels / plotPixels), top - (titlePixels / plotPixels)],
                Anchor = "x" + suffix,
                Range = [-DecisionSurfaceChart.Half, DecisionSurfaceChart.Half],
                ShowTickLabels = column == 0,
                ShowGrid = false,
                ZeroLine = false,
                Mirror = Plotly.Blazor.LayoutLib.YAxisLib.MirrorEnum.True,
                ShowLine = true,
                LineColor = xAxis.LineColor,
                LineWidth = xAxis.LineWidth,
            };
            // Square panels (each y axis keeps its own x axis's scale, shrinking the panel rather than widening
            // the range) on shared axes: every x axis follows the first, so all show and zoom the same region.
            yAxis.ScaleAnchor = "x" + suffix;
            yAxis.Constrain = Plotly.Blazor.LayoutLib.YAxisLib.ConstrainEnum.Domain;
            xAxis.Constrain = Plotly.Blazor.LayoutLib.XAxisLib.ConstrainEnum.Domain;
            if (k > 0)
            {
                xAxis.Matches = "x";
            }

            xAxes.Add(xAxis);
            yAxes.Add(yAxis);
            annotations.Add(new Annotation
            {
                Text = PanelTitle(set.NHidden[k], metrics, best, twoLines),
                XRef = $"x{suffix} domain",
                YRef = $"y{suffix} domain",
                X = 0.5,
                Y = 1.0,
                YAnchor = Plotly.Blazor.LayoutLib.AnnotationLib.YAnchorEnum.Bottom,
                ShowArrow = false,
                Font = new() { Size = 12 },
            });
        }

        foreach (var pointClass in XoClasses.All)
        {
            data.Add(ChartLayouts.LegendSwatch($"predicted {XoClasses.Label(pointClass)}", ChartPalette.LightOf(pointClass)));
        }

        var layout = ChartLayouts.Base("Decision surfaces of every hidden-layer size", TopMargin + BottomMargin + (rows * rowPixels));
        layout.XAxis = xAxes;
        layout.YAxis = yAxes;
        layout.Annotations = annotations;
        layout.Margin.T = TopMargin;
        // 8 px above the first row: a fraction of this tall plot (the shared 1.03 would lift it onto the title).
        layout.Legend[0].Y = (decimal)(1 + (8 / plotPixels));
        layout.Margin.B = BottomMargin;
        return new ChartFigure(data, layout);
    }

    /// <summary>How wide (and so how tall) one panel is in a plot area <paramref name="plotPixels"/> wide (a laptop's by default).</summary>
    internal static int PanelPixels(int columns, double plotPixels = LaptopPlotPixels) => (int)Math.Clamp((plotPixels / columns) - (Gap * plotPixels), 100, 340);

    private static string PanelTitle(int n, RunMetrics? metrics, int? best, bool twoLines)
    {
        var model = metrics?.Models.FirstOrDefault(m => m.NHidden == n);
        var title = model is null ? $"N = {n}" : $"N = {n}{(twoLines ? "<br>" : " · ")}agreement {ChartLayouts.Fraction(model.SurfaceAgree)}";
        return n == best ? $"<b>★ {title}</b>" : title;
    }

    internal static List<object> Rows(byte[] classes, int width)
    {
        var rows = new List<object>(classes.Length / width);
        for (var start = 0; start < classes.Length; start += width)
        {
            var row = new int[width];
            for (var i = 0; i < width; i++)
            {
                row[i] = classes[start + i];
            }

            rows.Add(row);
        }

        return rows;
    }
}
