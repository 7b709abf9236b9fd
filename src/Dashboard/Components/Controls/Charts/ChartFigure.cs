using Plotly.Blazor;

namespace OneOff.Dashboard.Components.Controls.Charts;

/// <summary>What one Plotly chart draws: its traces and its layout. A new instance means "draw again".</summary>
public sealed record ChartFigure(IList<ITrace> Data, Layout Layout)
{
    /// <summary>The chart's height in pixels (from the layout; 450 if unset).</summary>
    public int Height => (int)(Layout.Height ?? 450);
}
