using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Diagnostics;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Runs;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Components.Pages.Runs;

public sealed partial class RunPage : RunsComponentBase
{
    private readonly CancellationTokenSource _disposed = new();
    private ITimer? _clock;

    [Parameter]
    public string RunId { get; set; } = "";

    [Inject]
    public required RunDetailsViewModel Vm { get; init; }

    /// <summary>The request while the page is prerendered (static SSR); null once interactive.</summary>
    [CascadingParameter]
    public HttpContext? HttpContext { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        await Vm.LoadAsync(RunId);

        // The prerendered answer is what a browser, a link checker or curl sees: an unknown run is a 404, with
        // this page's own "No such run". Set as the response starts: a 404 set during rendering makes the
        // renderer drop this page's body for the generic not-found page.
        if (Vm.Run is null && !Vm.Deleted && HttpContext is { Response.HasStarted: false } http)
        {
            if (http.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            http.Response.OnStarting(static state =>
            {
                ((HttpResponse)state).StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }, http.Response);
        }

        StartLoadingResults();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Prerendering shows "Loading"; the plots need the interactive circuit (Plotly draws in the browser).
        if (firstRender)
        {
            StartLoadingResults();
        }

        // The duration of an active run ticks once a second.
        if (firstRender && RendererInfo.IsInteractive)
        {
            _clock = Time.CreateTimer(_ => _ = InvokeAsync(() =>
            {
                if (Vm.Run is { IsFinished: false })
                {
                    StateHasChanged();
                }
            }), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
    }

    protected override void Dispose(bool disposing)
    {
        _disposed.Cancel();
        _disposed.Dispose();
        _clock?.Dispose();
        base.Dispose(disposing);
    }

    protected override bool Apply(RunChange change)
    {
        var changed = Vm.Apply(change);
        if (changed)
        {
            // A run that succeeds while the page is open shows its plots without a reload.
            StartLoadingResults();
        }

        return changed;
    }

    /// <summary>Loads the results in the background (the section shows "Loading" meanwhile) when the run has them.</summary>
    private void StartLoadingResults()
    {
        if (!RendererInfo.IsInteractive || !Vm.NeedsResults || _disposed.IsCancellationRequested)
        {
            return;
        }

        _ = LoadResultsAsync(_disposed.Token);
    }

    private async Task LoadResultsAsync(CancellationToken cancellationToken)
    {
        var load = Vm.LoadResultsAsync(cancellationToken);
        StateHasChanged();
        try
        {
            if (await load)
            {
                StateHasChanged();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void RetryResults()
    {
        Vm.RetryResults();
        StartLoadingResults();
    }

    private Task CancelAsync() => CommandAsync(() => Vm.CancelAsync(User));

    private Task DeleteAsync() => CommandAsync(() => Vm.DeleteAsync(User));

    private static string Describe(RunParameter p) => p.Key switch
    {
        "x_half_width" => "X half-width",
        "radius" => "O radius",
        "box_half_width" => "Box half-width",
        _ => p.Key,
    };
}
