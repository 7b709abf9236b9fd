using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Core.Runs;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Model;

/// <summary>One filled-in form is one run, however often Run job is pressed.</summary>
public sealed class RunListViewModelSubmissionTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private DashboardApp App => fixture.App;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private RunListViewModel SmallForm()
    {
        var vm = App.Services.GetRequiredService<RunListViewModel>();
        foreach (var (key, value) in RunForms.Small())
        {
            vm.SetValue(RunParameterTable.ByKey(key)!, value);
        }

        return vm;
    }

    private async Task<int> RunCountAsync() => (await App.Runs.ListAsync(Token)).Count;

    [Fact]
    public async Task SubmitAsync_FiveConcurrentPresses_StartOneRun()
    {
        var vm = SmallForm();
        var admin = await App.PrincipalAsync("admin");
        var before = await RunCountAsync();

        var runs = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => vm.SubmitAsync(admin, Token), Token)));

        Assert.All(runs, Assert.NotNull);
        Assert.Single(runs.Select(r => r!.Id).Distinct());
        Assert.Equal(before + 1, await RunCountAsync());
        Assert.False(vm.IsSubmitting);
        await RunWaits.StateAsync(App.Runs, runs[0]!.Id, RunState.Succeeded, RunState.Failed);
    }

    [Fact]
    public async Task SubmitAsync_PressedAgainAfterItFinished_IsTheSameRun()
    {
        var vm = SmallForm();
        var admin = await App.PrincipalAsync("admin");
        var before = await RunCountAsync();

        var first = await vm.SubmitAsync(admin, Token);
        var second = await vm.SubmitAsync(admin, Token);

        Assert.NotNull(first);
        Assert.Equal(first.Id, second?.Id);
        Assert.Equal(before + 1, await RunCountAsync());
        await RunWaits.StateAsync(App.Runs, first.Id, RunState.Succeeded, RunState.Failed);
    }

    [Fact]
    public async Task SubmitAsync_AfterAValueChanged_IsANewRun()
    {
        var vm = SmallForm();
        var admin = await App.PrincipalAsync("admin");
        var first = await vm.SubmitAsync(admin, Token);
        var key = vm.SubmissionKey;

        vm.SetValue(RunParameterTable.ModelSeed, "52");
        var second = await vm.SubmitAsync(admin, Token);

        Assert.NotEqual(key, vm.SubmissionKey);
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.NotEqual(first.Id, second.Id);
        await RunWaits.StateAsync(App.Runs, first.Id, RunState.Succeeded, RunState.Failed);
        await RunWaits.StateAsync(App.Runs, second.Id, RunState.Succeeded, RunState.Failed);
    }

    [Fact]
    public void SetValue_SameValue_KeepsTheKey()
    {
        var vm = SmallForm();
        var key = vm.SubmissionKey;

        vm.SetValue(RunParameterTable.TrainSize, "300");

        Assert.Equal(key, vm.SubmissionKey);
    }

    [Fact]
    public async Task SubmitAsync_EmptyField_SaysEnterItAndStartsNothing()
    {
        var vm = SmallForm();
        var before = await RunCountAsync();
        vm.SetValue(RunParameterTable.HiddenSizes, "");
        vm.SetValue(RunParameterTable.ModelSeed, "   ");

        var run = await vm.SubmitAsync(await App.PrincipalAsync("admin"), Token);

        Assert.Null(run);
        Assert.Equal("Enter the hidden sizes.", vm.ErrorOf(RunParameterTable.HiddenSizes));
        Assert.Equal("Enter the model seed.", vm.ErrorOf(RunParameterTable.ModelSeed));
        Assert.Equal(before, await RunCountAsync());
    }

    [Fact]
    public async Task SubmitAsync_OverLongField_IsRefusedAndStartsNothing()
    {
        var vm = SmallForm();
        var before = await RunCountAsync();
        vm.SetValue(RunParameterTable.HiddenSizes, "3," + new string('5', 5000));

        var run = await vm.SubmitAsync(await App.PrincipalAsync("admin"), Token);

        Assert.Null(run);
        Assert.Equal("Is too long (5002 characters; at most 200); enter 1 to 20 distinct integers from 1 to 2000, comma-separated.", vm.ErrorOf(RunParameterTable.HiddenSizes));
        Assert.Equal(before, await RunCountAsync());
    }
}
