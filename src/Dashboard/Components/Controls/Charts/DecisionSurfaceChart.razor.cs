using System.Globalization;
using Microsoft.AspNetCore.Components;
using OneOff.Core.Query;
using OneOff.Core.Runs;
using Plotly.Blazor;
using Plotly.Blazor.Traces;

namespace OneOff.Dashboard.Components.Controls.Charts;

public sealed partial class DecisionSurfaceChart : ChartComponent
{
    /// <summary>Half the side of the plotted square: the grid's cell centres reach ±5, its cells ±5.05.</summary>
    internal const double Half = 5.05;

    /// <summary>The surface to draw.</summary>
    [Parameter, EditorRequired]
    public required DecisionSurface Surface { get; set; }

    /// <summary>The model's metrics, for the title (train and test accuracy, surface agreement).</summary>
    [Parameter]
    public ModelMetrics? Metrics { get; set; }

    /// <summary>The run's geometry (default: the original study's).</summary>
    [Parameter]
    public TrueBoundary? Boundary { get; set; }

    protected override object Inputs => (Surface, Metrics, Boundary);

    protected override ChartFigure Build() => Build(Surface, Metrics, Boundary ?? TrueBoundary.Default);

    internal static ChartFigure Build(DecisionSurface surface, ModelMetrics? metrics, TrueBoundary boundary)
    {
        var width = surface.X.Length;
        var z = new List<object>(surface.Y.Length);
        var text = new List<object>(surface.Y.Length);
        for (var row = 0; row < surface.Y.Length; row++)
        {
            var codes = new int[width];
            var labels = new string[width];
            for (var column = 0; column < width; column++)
            {
                var i = (row * width) + column;
                var pointClass = (XoClass)surface.Classes[i];
                codes[column] = surface.Classes[i];
                var p = pointClass switch { XoClass.X => surface.PX[i], XoClass.O => surface.PO[i], _ => surface.PB[i] };
                labels[column] = string.Create(CultureInfo.InvariantCulture, $"{XoClasses.Label(pointClass)} (p = {p:0.00})");
            }

            z.Add(codes);
            text.Add(labels);
        }

        var data = new List<ITrace>
        {
            new HeatMap
            {
                Name = $"predicted class, N = {surface.NHidden}",
                X = [.. surface.X.Cast<object>()],
                Y = [.. surface.Y.Cast<object>()],
                Z = z,
                Text = text,
                ZMin = 0,
                ZMax = 2,
                ColorScale = ChartPalette.ClassColorScale,
                ShowScale = false,
                HoverTemplate = "(%{x:.1f}, %{y:.1f}): %{text}<extra></extra>",
            },
            ChartLayouts.Boundary(boundary, Half),
        };
        foreach (var pointClass in XoClasses.All)
        {
            data.Add(ChartLayouts.LegendSwatch($"predicted {XoClasses.Label(pointClass)}", ChartPalette.LightOf(pointClass)));
        }

        var title = $"Decision surface, N = {surface.NHidden} hidden units";
        if (metrics is not null)
        {
            title += $"<br><span style=\"font-size: 13px\">train accuracy {ChartLayouts.Fraction(metrics.TrainAcc)} · test accuracy "
                + $"{ChartLayouts.Fraction(metrics.TestAcc)} · surface agreement {ChartLayouts.Fraction(metrics.SurfaceAgree)}</span>";
        }

        var layout = ChartLayouts.Base(title, 600);
        var x = ChartLayouts.XAxis("x");
        x.Range = [-Half, Half];
        x.Constrain = Plotly.Blazor.LayoutLib.XAxisLib.ConstrainEnum.Domain;
        var y = ChartLayouts.YAxis("y");
        y.Range = [-Half, Half];
        y.ScaleAnchor = "x";
        y.Constrain = Plotly.Blazor.LayoutLib.YAxisLib.ConstrainEnum.Domain;
        layout.XAxis = [x];
        layout.YAxis = [y];
        layout.Margin.T = 90;
        layout.Legend[0].Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.V;
        layout.Legend[0].X = 1.02m;
        layout.Legend[0].Y = 1m;
        layout.Legend[0].YAnchor = Plotly.Blazor.LayoutLib.LegendLib.YAnchorEnum.Top;
        return new ChartFigure(data, layout);
    }
}
