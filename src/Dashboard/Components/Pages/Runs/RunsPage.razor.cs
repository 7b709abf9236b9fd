using Microsoft.AspNetCore.Components;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Components.Pages.Runs;

public sealed partial class RunsPage : RunsComponentBase
{
    private RunListRequest? _shown;

    [Inject]
    public required RunListViewModel Vm { get; init; }

    /// <summary>A run whose parameters fill the form (<c>/?from={runId}</c>, "Run again with these parameters").</summary>
    [SupplyParameterFromQuery(Name = "from")]
    public string? From { get; set; }

    // The run list's query string (RunListQuery.Parse): text, so that no value can break the page.
    [SupplyParameterFromQuery(Name = "state")]
    public string? StateFilter { get; set; }

    [SupplyParameterFromQuery(Name = "by")]
    public string? By { get; set; }

    [SupplyParameterFromQuery(Name = "since")]
    public string? Since { get; set; }

    [SupplyParameterFromQuery(Name = "until")]
    public string? Until { get; set; }

    [SupplyParameterFromQuery(Name = "best")]
    public string? Best { get; set; }

    [SupplyParameterFromQuery(Name = "sort")]
    public string? Sort { get; set; }

    [SupplyParameterFromQuery(Name = "dir")]
    public string? Dir { get; set; }

    [SupplyParameterFromQuery(Name = "page")]
    public string? PageNumber { get; set; }

    private static readonly string[] s_queryNames = ["state", "by", "since", "until", "best", "sort", "dir", "page"];

    private static readonly (RunSort Sort, string Label, bool Numeric)[] s_sortable =
        [(RunSort.State, "State", false), (RunSort.Created, "Created", false), (RunSort.Duration, "Duration", true), (RunSort.BestN, "Best N", true)];

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        await Vm.LoadLimitsAsync();
        if (!string.IsNullOrEmpty(From))
        {
            await Vm.FillFromAsync(From);
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        DropEmptyParameters();
        var request = RunListQuery.Parse(new RunListArguments(StateFilter, By, Since, Until, Best, Sort, Dir, PageNumber), Now);
        if (!request.Equals(_shown))
        {
            _shown = request;
            await Vm.ShowAsync(request);
        }
    }

    protected override bool Apply(RunChange change) => Vm.Apply(change);

    // The filter form is a plain GET form (it works before the circuit is up): its empty fields come back as
    // "by=&since=&…". Once interactive, the address loses them (replaced, not a new history entry).
    private void DropEmptyParameters()
    {
        if (!RendererInfo.IsInteractive)
        {
            return;
        }

        var empty = new Uri(Navigation.Uri).Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => (p.Length == 1 || p[1].Length == 0) && s_queryNames.Contains(p[0]))
            .Select(p => p[0]).Distinct(StringComparer.Ordinal).ToList();
        if (empty.Count > 0)
        {
            Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(empty.ToDictionary(k => k, k => (object?)null, StringComparer.Ordinal)), replace: true);
        }
    }

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

    private Task RefreshAsync() => Vm.RefreshAsync();

    /// <summary>This list with other query values (null removes one); the run to copy and the page are dropped unless given.</summary>
    private string LinkWith(params (string Name, object? Value)[] changes)
    {
        var parameters = new Dictionary<string, object?>(Vm.Query.ToParameters(), StringComparer.Ordinal) { ["from"] = null, ["page"] = null };
        foreach (var (name, value) in changes)
        {
            parameters[name] = value;
        }

        return Navigation.GetUriWithQueryParameters(parameters);
    }

    private string PageLink(int page) => LinkWith(("page", page == 1 ? null : page.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private string SortLink(RunSort sort)
    {
        var descending = Vm.Query.Sort == sort ? !Vm.Query.Descending : RunListQuery.DescendingByDefault(sort);
        return LinkWith(
            ("sort", sort == RunSort.Created ? null : RunListQuery.SortName(sort)),
            ("dir", descending == RunListQuery.DescendingByDefault(sort) ? null : descending ? "desc" : "asc"));
    }

    private string? AriaSort(RunSort sort) => Vm.Query.Sort != sort ? null : Vm.Query.Descending ? "descending" : "ascending";

    private string SortArrow(RunSort sort) => Vm.Query.Sort != sort ? "" : Vm.Query.Descending ? " ↓" : " ↑";

    private string ClearLink => LinkWith(("state", null), ("by", null), ("since", null), ("until", null), ("best", null));

    private string CountText => Vm.Query.IsFiltered
        ? $"{RunFormat.Count(Vm.Total)} matching"
        : $"{RunFormat.Count(Vm.Total)} {(Vm.Total == 1 ? "run" : "runs")}";
}
