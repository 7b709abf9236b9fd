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

    [Inject]
    public required RunAdoption Adoption { get; init; }

    /// <summary>What "Look for new runs" found ("Found 2 runs published outside the dashboard.", "No new runs."), or null.</summary>
    private string? AdoptionMessage { get; set; }

    private bool IsLookingForRuns { get; set; }

    // The adopted runs join the list through the run feed, like any new run; the server checks the Operator role.
    private Task LookForNewRunsAsync() => CommandAsync(async () =>
    {
        IsLookingForRuns = true;
        AdoptionMessage = null;
        try
        {
            AdoptionMessage = (await Adoption.LookForNewRunsAsync(User)).Message;
        }
        finally
        {
            IsLookingForRuns = false;
        }
    });

    private Task SubmitAsync() => CommandAsync(async () =>
    {
        if (await Vm.SubmitAsync(User) is { } run)
        {
            Navigation.NavigateTo($"runs/{run.Id}");
        }
    });
}
