using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Core.Runs;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Model;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Model;

/// <summary>The form's view of the run limits, over the real app with a small <c>OneOff:Runs:MaxWork</c>.</summary>
public sealed class RunListViewModelLimitsTests : IAsyncLifetime
{
    // 300 points × (3 + 5) sizes × (1 + 20 + 5) evaluations: the small run of the form below.
    private const long SmallWork = 300L * 8 * 26;
    private const long MaxWork = SmallWork * 4;

    private readonly TempFolder _folder = new();
    private DashboardApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _app = new DashboardApp(_folder.Path, settings: new Dictionary<string, string?>
        {
            ["OneOff:Runs:MaxWork"] = MaxWork.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OneOff:Runs:MaxQueued"] = "7",
            ["OneOff:Runs:MaxQueuedPerUser"] = "0",
            ["OneOff:Runs:DiskBudgetBytes"] = "5000000000",
        });
        _ = _app.Server;
        return ValueTask.CompletedTask;
    }

    [Fact]
    public void WorkText_AsTheUserTypes_ShowsTheRunsShareOfTheLimitAndTheMessageWhenOver()
    {
        var vm = SmallForm();

        var within = (vm.WorkText, vm.WorkError);
        vm.SetValue(RunParameterTable.TrainSize, "1500");
        var over = (vm.WorkText, vm.WorkError);

        Assert.Equal(SmallWork, WorkModel.Work(RunParameterParser.Parse(new Dictionary<string, string?> { ["train_size"] = "300", ["hidden_sizes"] = "3,5", ["max_iter"] = "20" }).Parameters!));
        Assert.Equal("Work: 25 % of the limit, about 1 s on this machine", within.WorkText);
        Assert.Null(within.WorkError);
        Assert.StartsWith("Work: 125 % of the limit", over.WorkText, StringComparison.Ordinal);
        Assert.Equal(
            $"This run is 1.25× the largest allowed: {WorkModel.Format(SmallWork * 5)} work units against {WorkModel.Format(MaxWork)} (OneOff:Runs:MaxWork). Use fewer training points, hidden sizes or iterations.",
            over.WorkError);
    }

    [Theory]
    [InlineData(1.25, "125")]
    [InlineData(0.25, "25")]
    [InlineData(0.1, "10")]
    [InlineData(0.0094, "0.9")]
    [InlineData(0.0006, "0.1")]
    [InlineData(0.0004, "under 0.1")]
    [InlineData(0.0, "under 0.1")]
    public void SharePercent_SmallRuns_NeverReadZero(double share, string expected) =>
        Assert.Equal(expected, RunListViewModel.SharePercent(share));

    [Fact]
    public void WorkText_FieldNotValid_IsNotShown()
    {
        var vm = SmallForm();

        vm.SetValue(RunParameterTable.HiddenSizes, "3,x");

        Assert.Null(vm.WorkText);
        Assert.Null(vm.WorkError);
    }

    [Fact]
    public async Task SubmitAsync_OverMaxWork_ShowsTheMessageAndStartsNothing()
    {
        var vm = SmallForm();
        vm.SetValue(RunParameterTable.MaxIter, "200");
        var before = (await _app.Runs.ListAsync(Ct)).Count;

        var run = await vm.SubmitAsync(await _app.PrincipalAsync("admin"), Ct);

        Assert.Null(run);
        Assert.StartsWith("This run is ", vm.FormMessage, StringComparison.Ordinal);
        Assert.Contains("(OneOff:Runs:MaxWork)", vm.FormMessage, StringComparison.Ordinal);
        Assert.Equal(before, (await _app.Runs.ListAsync(Ct)).Count);
    }

    [Fact]
    public async Task LoadAsync_Limits_AreTheConfiguredValuesWithTheirKeys()
    {
        var vm = SmallForm();

        await vm.LoadAsync(Ct);

        Assert.Equal(["OneOff:Runs:MaxWork", "OneOff:Runs:MaxQueued", "OneOff:Runs:MaxQueuedPerUser", "OneOff:Runs:DiskBudgetBytes"], vm.Limits.Select(l => l.Key));
        Assert.StartsWith($"{WorkModel.Format(MaxWork)} work units (about 1 s on this machine)", vm.Limits[0].Value, StringComparison.Ordinal);
        Assert.Equal("7", vm.Limits[1].Value);
        Assert.Equal("no limit", vm.Limits[2].Value);
        Assert.StartsWith("5 GB (", vm.Limits[3].Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_Operator_ShowsTheLimitsAndTheWorkBeforeRunJob()
    {
        using var client = await _app.SignedInClientAsync("limits-operator", DashboardRoles.Operator);

        var page = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri("/", UriKind.Relative), Ct));

        Assert.Contains("runs queued or running, all users: 7", page, StringComparison.Ordinal);
        Assert.Contains("run outputs stored: 5 GB (", page, StringComparison.Ordinal);
        Assert.Contains("title=\"OneOff:Runs:MaxWork\"", page, StringComparison.Ordinal);
        // The default study is far over this test's tiny limit: the page says so before Run job is clicked.
        Assert.Contains("id=\"work-error\">This run is ", page, StringComparison.Ordinal);
        Assert.True(page.IndexOf("id=\"run-limits\"", StringComparison.Ordinal) < page.IndexOf(">Run job</button>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UsersPage_Admin_ListsTheEffectiveLimitsAndWhereTheyComeFrom()
    {
        using var admin = await _app.SignedInClientAsync("limits-admin", DashboardRoles.Admin);

        var page = WebUtility.HtmlDecode(await admin.GetStringAsync(new Uri("/admin/users", UriKind.Relative), Ct));

        Assert.Contains("<h2 id=\"limits-title\">Limits</h2>", page, StringComparison.Ordinal);
        Assert.Contains("from configuration", page, StringComparison.Ordinal);
        Assert.Contains("<td class=\"mono\">OneOff:Runs:MaxQueued</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td>7</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td class=\"mono\">OneOff:Runs:DiskBudgetBytes</td>", page, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    private RunListViewModel SmallForm()
    {
        var vm = _app.Services.GetRequiredService<RunListViewModel>();
        vm.SetValue(RunParameterTable.TrainSize, "300");
        vm.SetValue(RunParameterTable.TestSize, "100");
        vm.SetValue(RunParameterTable.HiddenSizes, "3,5");
        vm.SetValue(RunParameterTable.MaxIter, "20");
        return vm;
    }
}
