using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Model;

public sealed class RunDetailsViewModelTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private DashboardApp App => fixture.App;

    [Fact]
    public async Task DeleteAsync_WithoutConfirmation_DoesNothingThenWithConfirmationDeletes()
    {
        var admin = await App.PrincipalAsync("admin");
        var run = (await App.Commands.SubmitAsync(admin, RunForms.Small(), RunForms.Key(), TestContext.Current.CancellationToken)).Run!;
        await RunWaits.StateAsync(App.Runs, run.Id, RunState.Succeeded);
        var vm = App.Services.GetRequiredService<RunDetailsViewModel>();
        await vm.LoadAsync(run.Id, TestContext.Current.CancellationToken);

        var unconfirmed = await vm.DeleteAsync(admin, TestContext.Current.CancellationToken);
        var stillThere = await App.Runs.GetAsync(run.Id, TestContext.Current.CancellationToken);
        vm.AskDelete();
        var confirmed = await vm.DeleteAsync(admin, TestContext.Current.CancellationToken);

        Assert.True(vm.HasResults || confirmed);
        Assert.False(unconfirmed);
        Assert.NotNull(stillThere);
        Assert.True(confirmed);
        Assert.True(vm.Deleted);
        Assert.Null(await App.Runs.GetAsync(run.Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CancelAndDelete_Viewer_ShowTheRefusalAndKeepTheRun()
    {
        await App.CreateUserAsync("viewer-d", DashboardRoles.Viewer);
        var viewer = await App.PrincipalAsync("viewer-d");
        var admin = await App.PrincipalAsync("admin");
        var run = (await App.Commands.SubmitAsync(admin, RunForms.Small(), RunForms.Key(), TestContext.Current.CancellationToken)).Run!;
        await RunWaits.StateAsync(App.Runs, run.Id, RunState.Succeeded);
        var vm = App.Services.GetRequiredService<RunDetailsViewModel>();
        await vm.LoadAsync(run.Id, TestContext.Current.CancellationToken);

        vm.AskCancel();
        await vm.CancelAsync(viewer, TestContext.Current.CancellationToken);
        var cancelMessage = vm.Message;
        vm.AskDelete();
        var deleted = await vm.DeleteAsync(viewer, TestContext.Current.CancellationToken);

        Assert.Equal("Only Operators can cancel runs.", cancelMessage);
        Assert.False(deleted);
        Assert.Equal("Only Operators can delete runs.", vm.Message);
        Assert.True(vm.HasResults);
        Assert.NotNull(await App.Runs.GetAsync(run.Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task LoadAsync_UnknownRun_HasNoRun()
    {
        var vm = App.Services.GetRequiredService<RunDetailsViewModel>();

        await vm.LoadAsync("20000101-000000-zzzz", TestContext.Current.CancellationToken);

        Assert.Null(vm.Run);
        Assert.False(vm.HasResults);
    }
}
