using Microsoft.AspNetCore.Components;
using OneOff.Core.Query;
using Plotly.Blazor;
using Plotly.Blazor.Traces;

namespace OneOff.Dashboard.Components.Controls.Charts;

public sealed partial class LossCurvesChart : ChartComponent
{
    /// <summary>Above this many points in all, the curves are drawn with WebGL.</summary>
    internal const int WebGlThreshold = 20_000;

    /// <summary>The height of one legend entry (12 px text) in pixels.</summary>
    internal const int LegendEntryPixels = 21;

    /// <summary>Every model's loss curve.</summary>
    [Parameter, EditorRequired]
    public required LossCurves Curves { get; set; }

    /// <summary>The best size, drawn thicker.</summary>
    [Parameter]
    public int? BestNHidden { get; set; }

    protected override object Inputs => (Curves, BestNHidden);

    protected override ChartFigure Build() => Build(Curves, BestNHidden);

    internal static ChartFigure Build(LossCurves curves, int? best)
    {
        var webGl = curves.Curves.Sum(c => c.Iterations.Length) > WebGlThreshold;
        var data = new List<ITrace>();
        for (var k = 0; k < curves.Curves.Count; k++)
        {
            var curve = curves.Curves[k];
            var color = ChartPalette.Sequential(k, curves.Curves.Count);
            var name = curve.NHidden == best ? $"N = {curve.NHidden} ★" : $"N = {curve.NHidden}";
            var width = curve.NHidden == best ? 3.5m : 1.8m;
            var hover = $"N = {curve.NHidden}, iteration %{{x}}: loss %{{y:.4g}}<extra></extra>";
            IList<object> x = [.. curve.Iterations.Cast<object>()];
            IList<object> loss = [.. curve.Loss.Cast<object>()];
            data.Add(webGl
                ? new ScatterGl
                {
                    Name = name, Mode = Plotly.Blazor.Traces.ScatterGlLib.ModeFlag.Lines, X = x, Y = loss, HoverTemplate = hover,
                    Line = new Plotly.Blazor.Traces.ScatterGlLib.Line { Color = color, Width = width },
                }
                : new Scatter
                {
                    Name = name, Mode = Plotly.Blazor.Traces.ScatterLib.ModeFlag.Lines, X = x, Y = loss, HoverTemplate = hover,
                    Line = new Plotly.Blazor.Traces.ScatterLib.Line { Color = color, Width = width },
                });
        }

        var layout = ChartLayouts.Base("Training loss of every hidden-layer size", 440);
        layout.XAxis = [ChartLayouts.XAxis("L-BFGS iteration")];
        var y = ChartLayouts.YAxis("mean cross-entropy (log scale)");
        y.Type = Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum.Log;
        var positive = curves.Curves.SelectMany(c => c.Loss).Where(l => double.IsFinite(l) && l > 0).ToList();
        if (positive.Count > 0 && ChartLayouts.LogAxisTicks(positive.Min(), positive.Max()) is { } ticks)
        {
            // Plotly's own log ticks label minor steps with a bare digit ("9 8 7 … 2") and none below the lowest decade.
            y.TickMode = Plotly.Blazor.LayoutLib.YAxisLib.TickModeEnum.Array;
            y.TickVals = [.. ticks.Values.Cast<object>()];
            y.TickText = [.. ticks.Texts.Cast<object>()];
            y.Range = [ticks.RangeLow, ticks.RangeHigh];
        }

        layout.YAxis = [y];
        // The legend is as tall as its entries: a legend taller than the plot gets a scrollbar of its own and hides
        // the largest sizes.
        layout.Height = Math.Max(440, (int)((layout.Margin.T ?? 0) + (layout.Margin.B ?? 0)) + (LegendEntryPixels * curves.Curves.Count) + 10);
        layout.Legend[0].Font = new Plotly.Blazor.LayoutLib.LegendLib.Font { Size = 12 };
        layout.Legend[0].Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.V;
        layout.Legend[0].X = 1.01m;
        layout.Legend[0].Y = 1m;
        layout.Legend[0].YAnchor = Plotly.Blazor.LayoutLib.LegendLib.YAnchorEnum.Top;
        layout.Margin.R = 110;
        return new ChartFigure(data, layout);
    }
}
