using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Export;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Components.Controls;

public sealed partial class RunExport
{
    private string? _sizeOf;
    private long? _bytes;
    private bool _scriptLoaded;

    /// <summary>The run; only a succeeded one shows anything.</summary>
    [Parameter, EditorRequired]
    public required RunSnapshot Run { get; set; }

    [Inject]
    public required IObjectStore Store { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    /// <summary>The two snippets, with the run's own folder or S3 prefix (<see cref="IObjectStore.Root"/>).</summary>
    internal IReadOnlyList<PythonSnippet> Snippets => PythonSnippets.For(Store.Root, Run.Id);

    private string SizeText => _bytes is { } bytes ? ", " + Size(bytes) : "";

    protected override async Task OnParametersSetAsync()
    {
        if (Run.State != RunState.Succeeded || string.Equals(_sizeOf, Run.Id, StringComparison.Ordinal))
        {
            return;
        }

        _sizeOf = Run.Id;
        _bytes = await Store.SizeOfPrefixAsync(RunKeys.Run(Run.Id));
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // Once the card is there: a run that succeeds while its page is open shows it in a later render.
        if (_scriptLoaded || !RendererInfo.IsInteractive || Run.State != RunState.Succeeded)
        {
            return;
        }

        _scriptLoaded = true;

        try
        {
            // The Copy buttons' listener (a module: evaluated once however often the page is opened; no inline script under
            // the CSP). "./": the fingerprinted name is relative to the base href, and a bare name is no module URL.
            await using var module = await JS.InvokeAsync<IJSObjectReference>("import", "./" + Assets["copy.js"]);
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or OperationCanceledException)
        {
            // Without the script the code can still be selected and copied by hand.
        }
    }

    /// <summary>A size as people read it: 1 234 B, 12.3 kB, 4.5 MB (powers of 1000).</summary>
    internal static string Size(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        var value = (double)bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[unit]}");
    }
}
