using System.Text.RegularExpressions;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Model;

/// <summary>The run page of a real run while it trains and once it has succeeded, as the server renders it.</summary>
public sealed partial class RunPageProgressTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private DashboardApp App => fixture.App;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunPage_RunTraining_ShowsTheTimeLeftAndTheSizesTrainingNowAboveTheOthers()
    {
        var admin = await App.PrincipalAsync("admin");
        var form = RunForms.Huge();
        form["hidden_sizes"] = "5,7,50,100";
        var run = (await App.Commands.SubmitAsync(admin, form, RunForms.Key(), Token)).Run!;
        try
        {
            await RunWaits.UntilAsync(App.Runs, run.Id, r => r.State == RunState.Running && r.Sizes.Any(s => s.Iteration > 0));
            using var client = await App.SignedInClientAsync("viewer-progress", DashboardRoles.Viewer);

            var html = await client.GetStringAsync(new Uri($"/runs/{run.Id}", UriKind.Relative), Token);

            Assert.Matches(TimeLeftStat(), html);
            var rows = ProgressRow().Matches(html).Select(m => (Size: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), State: m.Groups[2].Value)).ToList();
            Assert.Equal(4, rows.Count);
            Assert.Equal("training", rows[0].State);
            Assert.Equal(100, rows[0].Size);
            var firstNotTraining = rows.FindIndex(r => r.State != "training");
            Assert.True(firstNotTraining > 0, string.Join(", ", rows));
            Assert.All(rows.Skip(firstNotTraining), r => Assert.NotEqual("training", r.State));
            Assert.Contains(" left</small>", html, StringComparison.Ordinal);
        }
        finally
        {
            await App.Commands.CancelAsync(admin, run.Id, CancellationToken.None);
            await RunWaits.StateAsync(App.Runs, run.Id, RunState.Cancelled, RunState.Succeeded, RunState.Failed);
        }
    }

    [Fact]
    public async Task RunPage_RunSucceeded_SaysWhyEachSizeStoppedAndNoTimeLeft()
    {
        var admin = await App.PrincipalAsync("admin");
        var run = (await App.Commands.SubmitAsync(admin, RunForms.Small(), RunForms.Key(), Token)).Run!;
        var done = await RunWaits.StateAsync(App.Runs, run.Id, RunState.Succeeded);
        using var client = await App.SignedInClientAsync("viewer-stopped", DashboardRoles.Viewer);

        var html = await client.GetStringAsync(new Uri($"/runs/{run.Id}", UriKind.Relative), Token);

        Assert.All(done.Sizes, s => Assert.NotNull(s.Metrics?.StopReason));
        Assert.DoesNotMatch(TimeLeftStat(), html);
        var statuses = SizeStatus().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(done.Sizes.Length, statuses.Count);
        Assert.All(statuses, s => Assert.Matches("^(converged at iteration [0-9]+|stopped at max_iter 20 \\(not converged\\)|line search failed at iteration [0-9]+)$", s));
    }

    [GeneratedRegex("<span class=\"stat-label\">Time left</span><span class=\"stat-value\">(about [^<]+|finishing)</span>")]
    private static partial Regex TimeLeftStat();

    [GeneratedRegex("<tr[^>]*data-size=\"([0-9]+)\" data-state=\"([a-z]+)\"")]
    private static partial Regex ProgressRow();

    [GeneratedRegex("<small class=\"muted size-status\">([^<]*)</small>")]
    private static partial Regex SizeStatus();
}
