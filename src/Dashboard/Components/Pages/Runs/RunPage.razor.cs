using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Runs;
using OneOff.Jobs.Parameters;

namespace OneOff.Dashboard.Components.Pages.Runs;

public sealed partial class RunPage : IDisposable
{
    private Timer? _clock;

    [Parameter]
    public string RunId { get; set; } = "";

    [Inject]
    public required RunDetailsViewModel Vm { get; init; }

    [Inject]
    public required RunCoordinator Coordinator { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [CascadingParameter]
    public Task<AuthenticationState>? AuthenticationState { get; set; }

    private ClaimsPrincipal User { get; set; } = new();

    private bool CanOperate => DashboardRoles.CanOperate(User);

    private DateTime Now => Time.GetUtcNow().UtcDateTime;

    protected override async Task OnInitializedAsync()
    {
        if (AuthenticationState is not null)
        {
            User = (await AuthenticationState).User;
        }

        Coordinator.RunChanged += OnRunChanged;
    }

    protected override async Task OnParametersSetAsync() => await Vm.LoadAsync(RunId);

    protected override void OnAfterRender(bool firstRender)
    {
        // The duration of an active run ticks once a second.
        if (firstRender)
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

    public void Dispose()
    {
        Coordinator.RunChanged -= OnRunChanged;
        _clock?.Dispose();
    }

    private void OnRunChanged(RunChange change) => _ = InvokeAsync(() =>
    {
        if (Vm.Apply(change))
        {
            StateHasChanged();
        }
    });

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
