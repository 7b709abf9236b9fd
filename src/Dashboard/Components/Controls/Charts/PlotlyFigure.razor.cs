using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.ConfigLib;

namespace OneOff.Dashboard.Components.Controls.Charts;

public sealed partial class PlotlyFigure
{
    private static readonly Config s_config = new()
    {
        Responsive = true,
        DisplayLogo = false,
        DisplayModeBar = DisplayModeBarEnum.Hover,
        ModeBarButtonsToRemove = new[] { "lasso2d", "select2d", "autoScale2d" },
        ToImageButtonOptions = new { format = "png", scale = 2 },
    };

    private PlotlyChart? _chart;
    private ChartFigure? _drawn;
    private bool _redraw;

    /// <summary>What to draw.</summary>
    [Parameter, EditorRequired]
    public required ChartFigure Figure { get; set; }

    /// <summary>The id of the chart's element (generated when not given).</summary>
    [Parameter]
    public string? Id { get; set; }

    protected override void OnParametersSet() => _redraw = _drawn is not null && !ReferenceEquals(_drawn, Figure);

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            // PlotlyChart draws itself (newPlot) on its first render.
            _drawn = Figure;
            return;
        }

        if (_redraw && _chart is not null)
        {
            _redraw = false;
            _drawn = Figure;
            await _chart.React();
        }
    }
}
