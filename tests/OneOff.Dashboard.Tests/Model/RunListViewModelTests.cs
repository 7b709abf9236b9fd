using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Runs;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Core.Runs;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Model;

public sealed class RunListViewModelTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private DashboardApp App => fixture.App;

    private RunListViewModel NewViewModel() => App.Services.GetRequiredService<RunListViewModel>();

    [Fact]
    public void Fields_New_AreTheFormParametersWithTheirDefaults()
    {
        var vm = NewViewModel();

        Assert.Equal(["Train size", "Test size", "Hidden sizes", "Data seed", "Model seed", "Jitter", "Max iterations", "Tolerance"], vm.Fields.Select(f => f.Label));
        Assert.Equal("15000", vm.ValueOf(RunParameterTable.TrainSize));
        Assert.Equal("5,7,10,30,50,75,100,200,400,600", vm.ValueOf(RunParameterTable.HiddenSizes));
    }

    [Fact]
    public async Task SubmitAsync_BadValue_PutsTheMessageBesideTheFieldAndCreatesNoRun()
    {
        var vm = NewViewModel();
        await vm.LoadAsync(TestContext.Current.CancellationToken);
        var before = (await App.Runs.ListAsync(TestContext.Current.CancellationToken)).Count;
        vm.SetValue(RunParameterTable.TrainSize, "50");
        vm.SetValue(RunParameterTable.Jitter, "9");

        var run = await vm.SubmitAsync(await App.PrincipalAsync("admin"), TestContext.Current.CancellationToken);

        Assert.Null(run);
        Assert.Equal("Must be from 100 to 1000000 (got 50); enter an integer from 100 to 1000000.", vm.ErrorOf(RunParameterTable.TrainSize));
        Assert.Equal("Must be from 0 to 5 (got 9); enter a number from 0 to 5.", vm.ErrorOf(RunParameterTable.Jitter));
        Assert.Null(vm.ErrorOf(RunParameterTable.TestSize));
        Assert.Equal(before, (await App.Runs.ListAsync(TestContext.Current.CancellationToken)).Count);

        vm.SetValue(RunParameterTable.TrainSize, "300");
        Assert.Null(vm.ErrorOf(RunParameterTable.TrainSize));
    }

    [Fact]
    public async Task SubmitAsync_Viewer_IsRefusedWithAMessage()
    {
        await App.CreateUserAsync("viewer-vm", DashboardRoles.Viewer);
        var vm = NewViewModel();

        var run = await vm.SubmitAsync(await App.PrincipalAsync("viewer-vm"), TestContext.Current.CancellationToken);

        Assert.Null(run);
        Assert.Equal("Only Operators can start runs.", vm.FormMessage);
    }

    [Fact]
    public async Task SubmitAsync_Valid_ListsTheRunAndKeepsTheKeyOfItsFormState()
    {
        var vm = NewViewModel();
        vm.SetValue(RunParameterTable.TrainSize, "300");
        vm.SetValue(RunParameterTable.TestSize, "100");
        vm.SetValue(RunParameterTable.HiddenSizes, "3,5");
        vm.SetValue(RunParameterTable.MaxIter, "20");
        var key = vm.SubmissionKey;

        var run = await vm.SubmitAsync(await App.PrincipalAsync("admin"), TestContext.Current.CancellationToken);
        await RunWaits.StateAsync(App.Runs, run!.Id, RunState.Succeeded, RunState.Failed);

        Assert.Equal(run.Id, vm.Runs[0].Id);
        Assert.Equal(key, vm.SubmissionKey);
    }

    [Fact]
    public void Apply_Changes_InsertReplaceAndRemove()
    {
        var vm = NewViewModel();
        var snapshot = new RunSnapshot("20261125-101010-abcd", RunState.Queued, "admin", new DateTime(2026, 11, 25, 10, 10, 10, DateTimeKind.Utc), null, null, new RunParameters(), [], null, null);

        var inserted = vm.Apply(new RunChange(snapshot.Id, snapshot));
        var replaced = vm.Apply(new RunChange(snapshot.Id, snapshot with { State = RunState.Running }));
        var state = vm.Runs.Single().State;
        var removed = vm.Apply(new RunChange(snapshot.Id, null));
        var removedAgain = vm.Apply(new RunChange(snapshot.Id, null));

        Assert.True(inserted && replaced && removed);
        Assert.False(removedAgain);
        Assert.Equal(RunState.Running, state);
        Assert.Empty(vm.Runs);
    }
}
