using System.Globalization;
using Microsoft.AspNetCore.Components;
using OneOff.Core.Query;
using OneOff.Core.Runs;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterGlLib;

namespace OneOff.Dashboard.Components.Controls.Charts;

public sealed partial class TrainingDataChart : ChartComponent
{

    /// <summary>The points to draw (all of them, with scattergl).</summary>
    [Parameter, EditorRequired]
    public required PointSet Points { get; set; }

    /// <summary>The true boundary to draw over both panels (none when null).</summary>
    [Parameter]
    public TrueBoundary? Boundary { get; set; }

    /// <summary>The chart title (default "Training data", with how many points it shows).</summary>
    [Parameter]
    public string? Title { get; set; }

    /// <summary>How many training points the run has, when <see cref="Points"/> may be a sample of them.</summary>
    [Parameter]
    public long? TotalPoints { get; set; }

    protected override object Inputs => (Points, Boundary, Title, TotalPoints);

    protected override ChartFigure Build() => Build(Points, Boundary, Title ?? TitleFor(Points.Count, TotalPoints));

    /// <summary>The default title: a sampled chart says it is a sample, and of how many points.</summary>
    internal static string TitleFor(int shown, long? total) =>
        total > shown
            ? string.Create(CultureInfo.InvariantCulture, $"Training data (a sample: {shown:N0} of {total:N0} points shown)")
            : string.Create(CultureInfo.InvariantCulture, $"Training data ({shown:N0} points)");

    internal static ChartFigure Build(PointSet points, TrueBoundary? boundary, string title)
    {
        var data = new List<ITrace>();
        foreach (var (panel, xAxis, yAxis) in new[] { (0, "x", "y"), (1, "x2", "y2") })
        {
            // Background first, so that the X and the O are drawn over it; the legend still lists X, O, B.
            foreach (var pointClass in new[] { XoClass.B, XoClass.X, XoClass.O })
            {
                var (x, y) = panel == 0 ? Select(points.X0, points.Y0, points.Classes, pointClass) : Select(points.X, points.Y, points.Classes, pointClass);
                data.Add(new ScatterGl
                {
                    Name = XoClasses.Label(pointClass),
                    LegendGroup = XoClasses.Label(pointClass),
                    LegendRank = (int)pointClass + 1,
                    ShowLegend = panel == 0,
                    Mode = ModeFlag.Markers,
                    X = x,
                    Y = y,
                    XAxis = xAxis,
                    YAxis = yAxis,
                    Marker = new Marker { Color = ChartPalette.Of(pointClass), Size = 4, Opacity = 0.7m },
                    HoverTemplate = $"{XoClasses.Label(pointClass)} (%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
                });
            }

            if (boundary is not null)
            {
                data.Add(ChartLayouts.Boundary(boundary, 10.1, xAxis, yAxis, showLegend: panel == 0, width: 1.5m));
            }
        }

        var extent = Extent(points);
        var layout = ChartLayouts.Base(title, 540);
        var left = ChartLayouts.XAxis("x0 (noiseless)");
        left.Range = [-extent, extent];
        left.Constrain = Plotly.Blazor.LayoutLib.XAxisLib.ConstrainEnum.Domain;
        left.Domain = [0, 0.47];
        left.Anchor = "y";
        var right = ChartLayouts.XAxis("x (jittered)");
        right.Domain = [0.53, 1];
        right.Anchor = "y2";
        right.Matches = "x";
        var leftY = ChartLayouts.YAxis("y0");
        leftY.Range = [-extent, extent];
        leftY.ScaleAnchor = "x";
        leftY.Anchor = "x";
        var rightY = ChartLayouts.YAxis("y");
        rightY.Anchor = "x2";
        rightY.Matches = "y";
        layout.XAxis = [left, right];
        layout.YAxis = [leftY, rightY];
        layout.Legend[0].ItemSizing = Plotly.Blazor.LayoutLib.LegendLib.ItemSizingEnum.Constant;
        layout.Legend[0].X = 1m;
        layout.Legend[0].XAnchor = Plotly.Blazor.LayoutLib.LegendLib.XAnchorEnum.Right;
        layout.Legend[0].Y = 1.06m;
        layout.Annotations =
        [
            PanelTitle("noiseless (x0, y0)", "x domain"),
            PanelTitle("jittered (x, y): what the models train on", "x2 domain"),
        ];
        return new ChartFigure(data, layout);
    }

    /// <summary>Half the side of a square that holds every point (at least the grid's ±5), rounded up to a half unit.</summary>
    private static double Extent(PointSet points)
    {
        var max = 5f;
        foreach (var column in new[] { points.X0, points.Y0, points.X, points.Y })
        {
            foreach (var v in column)
            {
                max = Math.Max(max, Math.Abs(v));
            }
        }

        return Math.Ceiling(max * 2) / 2;
    }

    private static Annotation PanelTitle(string text, string xRef) => new()
    {
        Text = text,
        XRef = xRef,
        YRef = "paper",
        X = 0.5,
        Y = 1.0,
        YAnchor = Plotly.Blazor.LayoutLib.AnnotationLib.YAnchorEnum.Bottom,
        ShowArrow = false,
        Font = new() { Size = 13, Color = "#555" },
    };

    private static (IList<object> X, IList<object> Y) Select(float[] xs, float[] ys, byte[] classes, XoClass pointClass)
    {
        var code = (byte)pointClass;
        var x = new List<object>();
        var y = new List<object>();
        for (var i = 0; i < classes.Length; i++)
        {
            if (classes[i] == code)
            {
                x.Add(xs[i]);
                y.Add(ys[i]);
            }
        }

        return (x, y);
    }
}
