using System.Globalization;
using Microsoft.AspNetCore.Components;
using OneOff.Core.Query;
using OneOff.Core.Runs;
using OneOff.Dashboard.Results;

namespace OneOff.Dashboard.Components.Controls.Charts;

public sealed partial class RunResultsPanel : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private RunResults? _shown;
    private DecisionSurface? _surface;
    private int _selected;
    private bool _loading;
    private string? _error;

    /// <summary>The run's results (<see cref="ResultsService.GetRunResultsAsync"/>).</summary>
    [Parameter, EditorRequired]
    public required RunResults Results { get; set; }

    /// <summary>The run's geometry, from its manifest (<c>radius</c>, <c>x_half_width</c>); the original study's by default.</summary>
    [Parameter]
    public TrueBoundary? Boundary { get; set; }

    /// <summary>
    /// Loads the surface of another size when the user picks one, e.g.
    /// <c>(n, ct) => results.GetDecisionSurfaceAsync(runId, n, ct).AsTask()</c>; without it the picker is disabled.
    /// </summary>
    [Parameter]
    public Func<int, CancellationToken, Task<DecisionSurface>>? LoadSurface { get; set; }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
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
