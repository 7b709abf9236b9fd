using Microsoft.AspNetCore.Components;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Runs;
using OneOff.Jobs.Parameters;

namespace OneOff.Dashboard.Components.Pages.Runs;

public sealed partial class RunPage : RunsComponentBase
{
    private Timer? _clock;

    [Parameter]
    public string RunId { get; set; } = "";

    [Inject]
    public required RunDetailsViewModel Vm { get; init; }

    protected override async Task OnParametersSetAsync() => await Vm.LoadAsync(RunId);

    protected override void OnAfterRender(bool firstRender)
    {
        // The duration of an active run ticks once a second.
        if (firstRender && RendererInfo.IsInteractive)
        {
            _clock = new Timer(_ => _ = InvokeAsync(() =>
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
        _clock?.Dispose();
        base.Dispose(disposing);
    }

    protected override bool Apply(RunChange change) => Vm.Apply(change);

    private Task CancelAsync() => Vm.CancelAsync(User);

    private Task DeleteAsync() => Vm.DeleteAsync(User);

    private static string Describe(RunParameter p) => p.Key switch
    {
        "x_half_width" => "X half-width",
        "radius" => "O radius",
        "box_half_width" => "Box half-width",
        _ => p.Key,
    };
}
