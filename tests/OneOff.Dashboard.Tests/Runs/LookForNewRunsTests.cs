using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Runs;

/// <summary>
/// "Look for new runs" in the real app (with <c>OneOff:Runs:AdoptionIntervalSeconds</c> 0, so that nothing but the
/// start and the button adopts): Operators only, on the server; what it adopts reaches open pages through the feed
/// and shows as started outside the dashboard.
/// </summary>
public sealed partial class LookForNewRunsTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private DashboardApp _app = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = new DashboardApp(_folder.Path, settings: new Dictionary<string, string?> { ["OneOff:Runs:AdoptionIntervalSeconds"] = "0" });
        _ = _app.Server;
        await RunAdoptionTests.UntilStartPassEndedAsync(Adoption);
    }

    private RunAdoption Adoption => _app.Services.GetRequiredService<RunAdoption>();

    [Fact]
    public async Task LookForNewRuns_Viewer_IsRefusedAndAdoptsNothing()
    {
        await _app.CreateUserAsync("viewer-a", DashboardRoles.Viewer);
        await TestRuns.WriteAsync(_app.DataRoot, "20260301-000000-view", hidden: [3]);

        var result = await Adoption.LookForNewRunsAsync(await _app.PrincipalAsync("viewer-a"), Token);

        Assert.False(result.Succeeded);
        Assert.Equal("Only Operators can look for new runs.", result.Message);
        Assert.Null(await _app.Runs.GetAsync("20260301-000000-view", Token));
    }

    [Fact]
    public async Task LookForNewRuns_Operator_AdoptsEachPublishedRunOnceAndTellsOpenPages()
    {
        await _app.CreateUserAsync("operator-a", DashboardRoles.Operator);
        var user = await _app.PrincipalAsync("operator-a");
        string[] published = ["20260301-000000-cli1", "20260301-000000-cli2"];
        foreach (var id in published)
        {
            await TestRuns.WriteAsync(_app.DataRoot, id, hidden: [3]);
        }

        await TestRuns.WriteAsync(_app.DataRoot, "20260301-000000-open", publish: false, hidden: [3]);
        var pushed = new System.Collections.Concurrent.ConcurrentQueue<RunSnapshot>();
        _app.Runs.RunChanged += change =>
        {
            if (change.Run is { } run)
            {
                pushed.Enqueue(run);
            }
        };

        var first = await Adoption.LookForNewRunsAsync(user, Token);
        var again = await Adoption.LookForNewRunsAsync(user, Token);

        Assert.Equal("Found 2 runs published outside the dashboard.", first.Message);
        Assert.Equal(published, first.Adopted.Order(StringComparer.Ordinal));
        Assert.Equal("No new runs.", again.Message);
        Assert.Equal(published, pushed.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.All(pushed, r => Assert.Equal((RunState.Succeeded, RunRecord.OutsideTheDashboard), (r.State, r.CreatedBy)));
        Assert.Null(await _app.Runs.GetAsync("20260301-000000-open", Token));
    }

    [Fact]
    public async Task Pages_AdoptedRun_SayItWasStartedOutsideTheDashboard()
    {
        const string RunId = "20260301-000000-page";
        await TestRuns.WriteAsync(_app.DataRoot, RunId, hidden: [3]);
        await _app.CreateUserAsync("operator-p", DashboardRoles.Operator);
        await Adoption.LookForNewRunsAsync(await _app.PrincipalAsync("operator-p"), Token);
        using var client = await _app.SignedInClientAsync("viewer-p", DashboardRoles.Viewer);

        var list = await client.GetStringAsync(new Uri("/", UriKind.Relative), Token);
        var page = await client.GetStringAsync(new Uri($"/runs/{RunId}", UriKind.Relative), Token);

        var row = Rows().Matches(list).Select(m => m.Value).Single(r => r.Contains(RunId, StringComparison.Ordinal));
        Assert.Contains("outside the dashboard", row, StringComparison.Ordinal);
        Assert.Matches("Started by</span><span class=\"stat-value\">[^<]*outside the dashboard", page);
        // A Viewer gets no button; the server refuses it anyway (above).
        Assert.DoesNotContain("Look for new runs", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunList_Operator_HasTheLookForNewRunsButtonInTheAllRunsHead()
    {
        using var client = await _app.SignedInClientAsync("operator-l", DashboardRoles.Operator);

        var list = await client.GetStringAsync(new Uri("/", UriKind.Relative), Token);

        Assert.Matches("<h2 id=\"runs-title\">All runs</h2>(?:(?!</section>).)*Look for new runs</button>", list.ReplaceLineEndings(" "));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    [GeneratedRegex("<tr>.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex Rows();
}
