using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Core.Runs;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Model;

/// <summary>"Run again with these parameters": the form filled in from a run, nothing started until Run job.</summary>
public sealed class RunAgainTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private DashboardApp App => fixture.App;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FillFromAsync_FinishedRun_FillsEveryFieldAndStartsNothing()
    {
        var form = RunForms.Small();
        form["hidden_sizes"] = "4,9";
        form["data_seed"] = "77";
        var run = (await App.Commands.SubmitAsync(await App.PrincipalAsync("admin"), form, RunForms.Key(), Token)).Run!;
        await RunWaits.StateAsync(App.Runs, run.Id, RunState.Succeeded, RunState.Failed);
        var before = (await App.Runs.ListAsync(Token)).Count;
        var vm = App.Services.GetRequiredService<RunListViewModel>();

        Assert.True(await vm.FillFromAsync(run.Id, Token));

        Assert.Equal("4,9", vm.ValueOf(RunParameterTable.HiddenSizes));
        Assert.Equal("77", vm.ValueOf(RunParameterTable.ByKey("data_seed")!));
        Assert.Equal("300", vm.ValueOf(RunParameterTable.ByKey("train_size")!));
        Assert.Equal(run.Id, vm.CopiedFrom);
        Assert.Equal(before, (await App.Runs.ListAsync(Token)).Count);
    }

    [Fact]
    public async Task FillFromAsync_UnknownRun_KeepsTheDefaultsAndSaysSo()
    {
        var vm = App.Services.GetRequiredService<RunListViewModel>();

        Assert.False(await vm.FillFromAsync("20201010-101010-zzzz", Token));

        Assert.Equal(RunParameterTable.HiddenSizes.DefaultText, vm.ValueOf(RunParameterTable.HiddenSizes));
        Assert.Equal("There is no run '20201010-101010-zzzz' to copy: the form has the defaults.", vm.FormMessage);
    }

    [Fact]
    public async Task Home_FromARun_ShowsTheFormFilledInAndTheRunPageLinksToIt()
    {
        var form = RunForms.Small();
        form["hidden_sizes"] = "6,11";
        var run = (await App.Commands.SubmitAsync(await App.PrincipalAsync("admin"), form, RunForms.Key(), Token)).Run!;
        await RunWaits.StateAsync(App.Runs, run.Id, RunState.Succeeded, RunState.Failed);
        using var client = await App.SignedInClientAsync("again-op", DashboardRoles.Operator);

        var runPage = await client.GetStringAsync(new Uri($"/runs/{run.Id}", UriKind.Relative), Token);
        using var home = await client.GetAsync(new Uri($"/?from={run.Id}", UriKind.Relative), Token);
        var html = await home.Content.ReadAsStringAsync(Token);

        Assert.Contains($"href=\"/?from={run.Id}\"", runPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("value=\"6,11\"", html, StringComparison.Ordinal);
        Assert.Contains("The parameters of run", html, StringComparison.Ordinal);
    }
}
