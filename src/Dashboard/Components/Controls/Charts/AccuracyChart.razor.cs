using Microsoft.AspNetCore.Components;
using OneOff.Core.Query;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using SymbolEnum = Plotly.Blazor.Traces.ScatterLib.MarkerLib.SymbolEnum;

namespace OneOff.Dashboard.Components.Controls.Charts;

public sealed partial class AccuracyChart : ChartComponent
{
    /// <summary>Every model's metrics.</summary>
    [Parameter, EditorRequired]
    public required RunMetrics Metrics { get; set; }

    /// <summary>The size marked best (the run record's); <see cref="RunMetrics.BestNHidden"/> when null.</summary>
    [Parameter]
    public int? BestNHidden { get; set; }

    protected override object Inputs => (Metrics, BestNHidden);

    protected override ChartFigure Build() => Build(Metrics, BestNHidden);

    internal static ChartFigure Build(RunMetrics metrics, int? bestNHidden = null)
    {
        var models = metrics.Models;
        var sizes = models.Select(m => (object)m.NHidden).ToList();
        var data = new List<ITrace>
        {
            Line("train accuracy", sizes, models.Select(m => m.TrainAcc), ChartPalette.TrainAccuracy, "solid", SymbolEnum.Circle),
            Line("test accuracy", sizes, models.Select(m => m.TestAcc), ChartPalette.TestAccuracy, "dash", SymbolEnum.Diamond),
            Line("surface agreement", sizes, models.Select(m => m.SurfaceAgree), ChartPalette.SurfaceAgreement, "solid", SymbolEnum.Square),
        };

        var layout = ChartLayouts.Base("Accuracy and surface agreement against the hidden-layer size", 440);
        var x = ChartLayouts.XAxis("hidden units N (log scale)");
        x.Type = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Log;
        // Every size keeps its marker; labels only where they do not run together (20 sizes put 1000-2000 side by side).
        var labels = ChartLayouts.LogAxisLabels(models.Select(m => m.NHidden));
        x.TickMode = Plotly.Blazor.LayoutLib.XAxisLib.TickModeEnum.Array;
        x.TickVals = [.. labels.Cast<object>()];
        x.TickText = [.. labels.Select(n => (object)n.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        var y = ChartLayouts.YAxis("fraction (accuracy, agreement)");
        y.TickFormat = ".2f";
        // Room for the legend between the title and the plot's frame.
        layout.Margin.T = 88;
        layout.XAxis = [x];
        layout.YAxis = [y];

        if ((bestNHidden ?? metrics.BestNHidden) is { } best && models.FirstOrDefault(m => m.NHidden == best) is { } bestModel)
        {
            data.Add(new Scatter
            {
                Name = $"best N = {best}",
                Mode = ModeFlag.Markers,
                X = [best],
                Y = [bestModel.SurfaceAgree],
                Marker = new Marker
                {
                    Color = ChartPalette.Best,
                    Size = 20,
                    Symbol = SymbolEnum.Star,
                    Line = new Plotly.Blazor.Traces.ScatterLib.MarkerLib.Line { Color = ChartPalette.Boundary, Width = 1 },
                },
                HoverTemplate = "best N = %{x}: surface agreement %{y:.3f}<extra></extra>",
            });
            layout.Shapes =
            [
                new Shape
                {
                    Type = Plotly.Blazor.LayoutLib.ShapeLib.TypeEnum.Line,
                    XRef = "x",
                    YRef = "paper",
                    X0 = best,
                    X1 = best,
                    Y0 = 0,
                    Y1 = 1,
                    Line = new Plotly.Blazor.LayoutLib.ShapeLib.Line { Color = ChartPalette.Best, Width = 2, Dash = "dot" },
                    Layer = Plotly.Blazor.LayoutLib.ShapeLib.LayerEnum.Below,
                },
            ];
        }

        return new ChartFigure(data, layout);
    }

    private static Scatter Line(string name, List<object> x, IEnumerable<double> y, string color, string dash, SymbolEnum symbol) => new()
    {
        Name = name,
        Mode = ModeFlag.Lines | ModeFlag.Markers,
        X = x,
        Y = [.. y.Cast<object>()],
        Line = new Line { Color = color, Width = 2.5m, Dash = dash },
        Marker = new Marker { Color = color, Size = 8, Symbol = symbol },
        HoverTemplate = $"{name}, N = %{{x}}: %{{y:.3f}}<extra></extra>",
    };
}
