using Microsoft.AspNetCore.Components;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Components.Pages.Runs;

public sealed partial class RunsPage : RunsComponentBase
{
    [Inject]
    public required RunListViewModel Vm { get; init; }

    /// <summary>A run whose parameters fill the form (<c>/?from={runId}</c>, "Run again with these parameters").</summary>
    [SupplyParameterFromQuery(Name = "from")]
    public string? From { get; set; }

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        await Vm.LoadAsync();
        if (!string.IsNullOrEmpty(From))
        {
            await Vm.FillFromAsync(From);
        }
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
