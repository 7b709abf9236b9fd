using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Model;

/// <summary>Real runs through the app: a damaged run, a cancelled run and an unknown run, as the pages show them.</summary>
public sealed class RunDetailsDamageTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private DashboardApp App => fixture.App;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LoadResultsAsync_TruncatedSurfaceFile_ShowsTheRestAndMarksTheRunDamagedOnItsPageAndInTheList()
    {
        var admin = await App.PrincipalAsync("admin");
        var run = (await App.Commands.SubmitAsync(admin, RunForms.Small(), RunForms.Key(), Token)).Run!;
        await RunWaits.StateAsync(App.Runs, run.Id, RunState.Succeeded);
        var grid = Path.Combine(App.DataRoot, "runs", run.Id, "grid", "n_hidden=5", "part-0.parquet");
        await using (var stream = new FileStream(grid, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.SetLength(stream.Length / 2);
        }

        var vm = App.Services.GetRequiredService<RunDetailsViewModel>();
        await vm.LoadAsync(run.Id, Token);
        await vm.LoadResultsAsync(Token);
        var record = await App.Runs.GetAsync(run.Id, Token);
        using var client = await App.SignedInClientAsync("viewer-damage", DashboardRoles.Viewer);
        var page = await client.GetStringAsync(new Uri($"/runs/{run.Id}", UriKind.Relative), Token);
        var list = await client.GetStringAsync(new Uri("/", UriKind.Relative), Token);

        Assert.Null(vm.ResultsError);
        Assert.NotNull(vm.Results);
        Assert.Null(vm.Results.Surfaces);
        Assert.NotNull(vm.Results.Training);
        Assert.NotNull(vm.Results.Metrics);
        Assert.NotNull(vm.Results.Loss);
        Assert.StartsWith("This run's outputs are damaged: the decision surfaces cannot be read", vm.OutputsDamaged, StringComparison.Ordinal);
        Assert.Equal(RunState.Succeeded, record?.State);
        Assert.Equal(vm.OutputsDamaged, record?.OutputsDamaged);
        Assert.Contains("outputs are damaged: the decision surfaces cannot be read", page, StringComparison.Ordinal);
        // The Export card names the run's own folder for its Python snippets (issue 10); nothing else may.
        var exportCard = page.IndexOf("<section class=\"card export\"", StringComparison.Ordinal);
        var shown = exportCard < 0 ? page : page[..exportCard] + page[(page.IndexOf("</section>", exportCard, StringComparison.Ordinal) + "</section>".Length)..];
        Assert.DoesNotContain(App.DataRoot, shown, StringComparison.Ordinal);
        Assert.DoesNotContain("read_parquet", shown, StringComparison.Ordinal);
        Assert.Contains("damaged-tag", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPage_UnknownRun_Answers404WithTheNoSuchRunPage()
    {
        using var client = await App.SignedInClientAsync("admin-404", DashboardRoles.Admin);

        using var response = await client.GetAsync(new Uri("/runs/20000101-000000-none", UriKind.Relative), Token);
        var html = await response.Content.ReadAsStringAsync(Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(html.Contains("No such run", StringComparison.Ordinal), html);
    }

    [Fact]
    public async Task CancelAsync_AskedAndConfirmed_CancelsAndTheRunLooksCancelled()
    {
        var admin = await App.PrincipalAsync("admin");
        var run = (await App.Commands.SubmitAsync(admin, RunForms.Huge(), RunForms.Key(), Token)).Run!;
        await RunWaits.StateAsync(App.Runs, run.Id, RunState.Running);
        await RunWaits.UntilAsync(App.Runs, run.Id, r => r.Sizes.Any(s => s.Iteration > 0));
        var vm = App.Services.GetRequiredService<RunDetailsViewModel>();
        await vm.LoadAsync(run.Id, Token);

        await vm.CancelAsync(admin, Token);
        var unconfirmed = await App.Runs.GetAsync(run.Id, Token);
        vm.AskCancel();
        var confirming = vm.ConfirmingCancel;
        await vm.CancelAsync(admin, Token);
        var cancelled = await RunWaits.StateAsync(App.Runs, run.Id, RunState.Cancelled);
        await vm.LoadAsync(run.Id, Token);

        Assert.Equal(RunState.Running, unconfirmed?.State);
        Assert.True(confirming);
        Assert.False(vm.ConfirmingCancel);
        Assert.Equal("This run was cancelled: it has no results.", vm.ResultsPlaceholder);
        Assert.All(cancelled.Sizes, s => Assert.False(RunDetailsViewModel.IsTraining(cancelled, s)));
        Assert.All(cancelled.Sizes.Where(s => !s.Done), s => Assert.StartsWith("cancelled", RunDetailsViewModel.SizeStatus(cancelled, s), StringComparison.Ordinal));
        Assert.DoesNotContain(cancelled.Sizes, s => RunDetailsViewModel.SizeStatus(cancelled, s).Contains(" of ", StringComparison.Ordinal));
    }
}
