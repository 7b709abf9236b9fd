using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Components.Pages.Runs;

public sealed partial class RunsPage
{
    [Inject]
    public required RunListViewModel Vm { get; init; }

    [Inject]
    public required RunCoordinator Coordinator { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

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
        await Vm.LoadAsync();
    }

    public void Dispose() => Coordinator.RunChanged -= OnRunChanged;

    private void OnRunChanged(RunChange change) => _ = InvokeAsync(() =>
    {
        if (Vm.Apply(change))
        {
            StateHasChanged();
        }
    });

    private async Task SubmitAsync()
    {
        if (await Vm.SubmitAsync(User) is { } run)
        {
            Navigation.NavigateTo($"runs/{run.Id}");
        }
    }
}
