using Microsoft.AspNetCore.Components;

namespace OneOff.Dashboard.Components.Controls.Charts;

/// <summary>
/// A chart of plain data: it builds its <see cref="ChartFigure"/> again only when its inputs change, and
/// <see cref="PlotlyFigure"/> draws it (newPlot first, react after).
/// </summary>
public abstract class ChartComponent : ComponentBase
{
    private object? _built;

    /// <summary>The id of the chart's element (generated when not given).</summary>
    [Parameter]
    public string? Id { get; set; }

    /// <summary>
    /// The chart's width in pixels as the browser lays it out, once it has said (null before): a title too long for
    /// it is broken onto more lines (<see cref="ChartLayouts.FitToWidth"/>) rather than cut at the chart's edge.
    /// </summary>
    [Parameter]
    public int? Width { get; set; }

    /// <summary>What the chart draws now.</summary>
    protected ChartFigure Figure { get; private set; } = new([], new Plotly.Blazor.Layout());

    /// <summary>Every parameter the figure depends on, as one value with value equality (a tuple or a record).</summary>
    protected abstract object Inputs { get; }

    /// <summary>Builds the figure from the current parameters.</summary>
    protected abstract ChartFigure Build();

    protected override void OnParametersSet()
    {
        var inputs = (Inputs, Width);
        if (!Equals(_built, inputs))
        {
            Figure = ChartLayouts.FitToWidth(Build(), Width);
            _built = inputs;
        }
    }
}
