using Microsoft.AspNetCore.Components;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Components.Pages.Runs;

public sealed partial class RunsPage : RunsComponentBase
{
    [Inject]
    public required RunListViewModel Vm { get; init; }

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        await Vm.LoadAsync();
    }

    protected override bool Apply(RunChange change) => Vm.Apply(change);

    private Task SubmitAsync() => CommandAsync(async () =>
    {
        if (await Vm.SubmitAsync(User) is { } run)
        {
            Navigation.NavigateTo($"runs/{run.Id}");
        }
    });
}
