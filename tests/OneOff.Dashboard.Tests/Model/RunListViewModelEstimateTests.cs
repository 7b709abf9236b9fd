using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Dashboard.Model;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Model;

/// <summary>The form's estimate comes from the mode's runner: where the run goes, how long it takes, what it costs.</summary>
public sealed class RunListViewModelEstimateTests
{
    [Fact]
    public async Task WorkText_RunnerThatBills_ShowsWhereItRunsAndItsPriceLabelled()
    {
        using var folder = new TempFolder();
        var runner = new ScriptedJobRunner(new FakeTimeProvider()) { CostPerRun = 0.123m };
        await using var app = new DashboardApp(folder.Path, s => s.AddSingleton<IJobRunner>(runner));
        var vm = app.Services.GetRequiredService<RunListViewModel>();

        vm.SetValue(RunParameterTable.TrainSize, "300");
        vm.SetValue(RunParameterTable.HiddenSizes, "3,5");

        Assert.EndsWith("on the scripted cluster; $0.12 (estimated from list prices)", vm.WorkText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkText_LocalMode_SaysThisMachineAndNoPrice()
    {
        using var folder = new TempFolder();
        await using var app = new DashboardApp(folder.Path);
        var vm = app.Services.GetRequiredService<RunListViewModel>();

        vm.SetValue(RunParameterTable.TrainSize, "300");

        Assert.EndsWith("on this machine", vm.WorkText, StringComparison.Ordinal);
        Assert.DoesNotContain("$", vm.WorkText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", "$0.00")]
    [InlineData("0.004", "under $0.01")]
    [InlineData("0.125", "$0.13")]
    [InlineData("12.5", "$12.50")]
    public void Cost_WithoutItsLabel(string dollars, string expected) =>
        Assert.Equal(expected, RunFormat.Cost(decimal.Parse(dollars, System.Globalization.CultureInfo.InvariantCulture)));
}
