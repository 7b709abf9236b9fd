using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace OneOff.Dashboard.Components.Controls.Charts;

/// <summary>
/// Loads plotly.js as soon as the page is interactive, the way Plotly.Blazor itself does (same interop module,
/// same script id and URL), so that it is parsed while a run is still going rather than when its plots arrive:
/// parsing the 3.7 MB script costs 0.2–1 s. The first chart then finds it loaded (or loading: Plotly.Blazor
/// queues its calls until it is). Only a head start: if the paths stop matching a newer Plotly.Blazor, the charts
/// load plotly.js themselves as before.
/// </summary>
public sealed class PlotlyPreload : ComponentBase
{
    // As Plotly.Blazor 7.2.0 names them (Plotly.Blazor.dll: its interop module and its importScript arguments).
    private const string InteropModule = "./_content/Plotly.Blazor/plotly-interop-7.2.0.js";
    private const string ScriptId = "plotly-import";
    private const string Script = "./_content/Plotly.Blazor/plotly-3.7.0.min.js";

    [Inject]
    public required IJSRuntime JS { get; init; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || !RendererInfo.IsInteractive)
        {
            return;
        }

        try
        {
            await using var module = await JS.InvokeAsync<IJSObjectReference>("import", InteropModule);
            await module.InvokeVoidAsync("importScript", ScriptId, Script);
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or TaskCanceledException)
        {
            // The charts load plotly.js themselves.
        }
    }
}
