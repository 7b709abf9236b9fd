using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using OneOff.Core.Query;
using OneOff.Core.Runs;
using OneOff.Dashboard.Results;

namespace OneOff.Dashboard.Components.Controls.Charts;

public sealed partial class RunResultsPanel : IAsyncDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private ElementReference _panel;
    private DotNetObjectReference<RunResultsPanel>? _self;
    private IJSObjectReference? _widthObserver;
    private int? _width;
    private int _gridColumns = 5;
    private double _gridPlotPixels = SurfaceGridChart.LaptopPlotPixels;
    private RunResults? _shown;
    private DecisionSurface? _surface;
    private int _selected;
    private bool _loading;
    private string? _error;

    /// <summary>The run's results (<see cref="ResultsService.GetRunResultsAsync"/>).</summary>
    [Parameter, EditorRequired]
    public required RunResults Results { get; set; }

    /// <summary>The run, for the "Download CSV" link under each chart; without it there are no links.</summary>
    [Parameter]
    public string? RunId { get; set; }

    /// <summary>The run's geometry, from its manifest (<c>radius</c>, <c>x_half_width</c>); the original study's by default.</summary>
    [Parameter]
    public TrueBoundary? Boundary { get; set; }

    /// <summary>
    /// Loads the surface of another size when the user picks one, e.g.
    /// <c>(n, ct) => results.GetDecisionSurfaceAsync(runId, n, ct).AsTask()</c>; without it the picker is disabled.
    /// </summary>
    [Parameter]
    public Func<int, CancellationToken, Task<DecisionSurface>>? LoadSurface { get; set; }

    public async ValueTask DisposeAsync()
    {
        _disposed.Cancel();
        _disposed.Dispose();
        if (_widthObserver is not null)
        {
            try
            {
                await _widthObserver.InvokeVoidAsync("dispose");
                await _widthObserver.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone, and the browser's observer with it.
            }
        }

        _self?.Dispose();
    }

    /// <summary>
    /// The panel's width as the browser lays it out (charts.js): the grid of decision surfaces gets as many columns
    /// as fit (five on a laptop, two on a phone) and rows as tall as its panels are wide; every chart fits its title
    /// to the width.
    /// </summary>
    [JSInvokable]
    public Task WidthChanged(int pixels)
    {
        if (pixels <= 0 || (_width is { } width && Math.Abs(pixels - width) < 8))
        {
            return Task.CompletedTask;
        }

        _width = pixels;
        _gridColumns = SurfaceGridChart.ColumnsFor(pixels);
        _gridPlotPixels = Math.Max(1, pixels - SurfaceGridChart.SideMargins);
        return InvokeAsync(StateHasChanged);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        try
        {
            var module = await JS.InvokeAsync<IJSObjectReference>("import", _disposed.Token, "./charts.js");
            _self = DotNetObjectReference.Create(this);
            _widthObserver = await module.InvokeAsync<IJSObjectReference>("observeWidth", _disposed.Token, _panel, _self);
            await module.DisposeAsync();
        }
        catch (Exception e) when (e is JSDisconnectedException or OperationCanceledException or JSException)
        {
            // Without the browser's width the grid keeps a laptop's layout.
        }
    }

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_shown, Results))
        {
            _shown = Results;
            _surface = Results.BestSurface;
            _selected = _surface?.NHidden ?? Models.FirstOrDefault()?.NHidden ?? 0;
            _error = null;
        }
    }

    // Empty when the metrics cannot be read (the panel then says so).
    private IReadOnlyList<ModelMetrics> Models => Results.Metrics?.Models ?? [];

    private ModelMetrics? MetricsOf(int n) => Models.FirstOrDefault(m => m.NHidden == n);

    private string Label(int n) => n == Results.BestNHidden
        ? string.Create(CultureInfo.InvariantCulture, $"{n} (best)")
        : n.ToString(CultureInfo.InvariantCulture);

    private async Task SelectAsync(ChangeEventArgs change)
    {
        if (LoadSurface is null || !int.TryParse(change.Value?.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || MetricsOf(n) is null)
        {
            return;
        }

        _selected = n;
        _loading = true;
        _error = null;
        try
        {
            _surface = await LoadSurface(n, _disposed.Token);
        }
        catch (Exception e) when (e is RunNotPublishedException or ModelNotFoundException or InvalidDataException)
        {
            // The engine's words name server paths: the page names the surface, the log keeps the details.
            _error = string.Create(CultureInfo.InvariantCulture, $"The decision surface of N = {n} cannot be read.");
        }
        finally
        {
            _loading = false;
        }
    }
}
