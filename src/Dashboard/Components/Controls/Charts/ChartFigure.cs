using System.Text.RegularExpressions;
using Plotly.Blazor;

namespace OneOff.Dashboard.Components.Controls.Charts;

/// <summary>What one Plotly chart draws: its traces and its layout. A new instance means "draw again".</summary>
public sealed partial record ChartFigure(IList<ITrace> Data, Plotly.Blazor.Layout Layout)
{
    /// <summary>
    /// The chart's title as plain text (its accessible name): a line break the title was fitted with
    /// (<c>&lt;br /&gt;</c>, <see cref="ChartLayouts.FitToWidth"/>) is a space, one the title was written with a dash.
    /// </summary>
    public string Label => Whitespace().Replace(Tags().Replace((Layout.Title?.Text ?? "chart").Replace("<br />", " ", StringComparison.Ordinal).Replace("<br>", " — ", StringComparison.Ordinal), ""), " ").Trim();

    /// <summary>The chart's height in pixels (from the layout; 450 if unset).</summary>
    public int Height => (int)(Layout.Height ?? 450);

    [GeneratedRegex("<[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
