using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Core.Query;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Results;
using OneOff.Dashboard.Runs;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Results;

/// <summary>
/// The results layer as the app wires it: the real coordinator runs the real job, the run page's view model loads
/// the results through the real ResultsService (DuckDB over the run folder), deleting a run evicts its cache entries.
/// </summary>
public sealed class RunResultsWiringTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private DashboardApp App => fixture.App;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LoadResultsAsync_RunSucceedsWhileThePageIsOpen_LoadsEveryPlotOfTheRun()
    {
        var admin = await App.PrincipalAsync("admin");
        var run = (await App.Commands.SubmitAsync(admin, RunForms.Small(), RunForms.Key(), Token)).Run!;
        var vm = App.Services.GetRequiredService<RunDetailsViewModel>();
        await vm.LoadAsync(run.Id, Token);
        var neededWhileQueued = vm.NeedsResults;
        var loadedWhileQueued = await vm.LoadResultsAsync(Token);

        var done = await RunWaits.StateAsync(App.Runs, run.Id, RunState.Succeeded);
        var applied = vm.Apply(new RunChange(run.Id, done));
        var neededOnceSucceeded = vm.NeedsResults;
        var loaded = await vm.LoadResultsAsync(Token);

        Assert.False(neededWhileQueued);
        Assert.False(loadedWhileQueued);
        Assert.True(applied);
        Assert.True(neededOnceSucceeded);
        Assert.True(loaded);
        Assert.False(vm.NeedsResults);
        Assert.False(vm.ResultsLoading);
        Assert.Null(vm.ResultsError);
        Assert.Null(vm.OutputsDamaged);
        var results = Assert.IsType<RunResults>(vm.Results);
        Assert.Equal(300, results.Training?.Count);
        Assert.Equal(300, results.Fractions?.Train.Total);
        Assert.Equal(100, results.Fractions?.Test.Total);
        Assert.Equal([3, 5], results.Metrics?.Models.Select(m => m.NHidden) ?? []);
        Assert.Equal(done.BestNHidden, results.Metrics?.BestNHidden);
        Assert.Equal(done.BestNHidden, results.BestSurface?.NHidden);
        Assert.Equal([3, 5], results.Surfaces?.NHidden ?? []);
        Assert.Equal(2, results.Loss?.Curves.Count);
        Assert.Equal(done.Parameters.Radius, vm.Boundary.Radius);
        Assert.Equal(done.Parameters.XHalfWidth, vm.Boundary.XHalfWidth);
        Assert.Equal(5, (await vm.LoadSurfaceAsync(5, Token)).NHidden);
    }

    [Fact]
    public async Task LoadResultsAsync_ManifestGone_SaysTheOutputsAreDamagedNotThatTheJobHasToFinish()
    {
        var run = await SucceededRunAsync();
        var manifest = Path.Combine(App.DataRoot, "runs", run.Id, "_manifest.json");
        File.Delete(manifest);
        var vm = App.Services.GetRequiredService<RunDetailsViewModel>();
        await vm.LoadAsync(run.Id, Token);

        await vm.LoadResultsAsync(Token);
        var record = await App.Runs.GetAsync(run.Id, Token);

        Assert.Null(vm.ResultsError);
        Assert.False(vm.NeedsResults);
        Assert.False(vm.Results?.HasAny);
        Assert.Equal("This run's outputs are damaged: its manifest is missing, so none of its results can be read.", vm.OutputsDamaged);
        Assert.DoesNotContain("once the job has finished", vm.OutputsDamaged, StringComparison.Ordinal);
        Assert.Equal(vm.OutputsDamaged, record?.OutputsDamaged);
        Assert.Equal(RunState.Succeeded, record?.State);
    }

    [Fact]
    public async Task DeleteAsync_CachedRun_EvictsItsCacheEntries()
    {
        var run = await SucceededRunAsync();
        var results = App.Services.GetRequiredService<ResultsService>();
        var cached = await results.GetRunResultsAsync(run.Id, cancellationToken: Token);
        var manifest = Path.Combine(App.DataRoot, "runs", run.Id, "_manifest.json");
        var kept = manifest + ".kept";
        File.Move(manifest, kept);
        var servedFromCacheWithoutFiles = await results.GetMetricsAsync(run.Id, Token);
        File.Move(kept, manifest);

        var deleted = await App.Commands.DeleteAsync(await App.PrincipalAsync("admin"), run.Id, Token);

        Assert.True(deleted.Succeeded);
        Assert.Same(cached.Metrics, servedFromCacheWithoutFiles);
        Assert.False(Directory.Exists(Path.Combine(App.DataRoot, "runs", run.Id)));
        await Assert.ThrowsAsync<RunNotPublishedException>(async () => await results.GetMetricsAsync(run.Id, Token));
        await Assert.ThrowsAsync<RunNotPublishedException>(async () => await results.GetTrainingDataAsync(run.Id, cancellationToken: Token));
    }

    [Fact]
    public async Task Healthz_SignedIn_IncludesAHealthyQueryEngine()
    {
        // Anonymous callers get statuses only (HealthEndpointTests); the description is for signed-in users.
        using var client = await App.SignedInClientAsync("health-results", DashboardRoles.Viewer);

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), Token);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var check = body.RootElement.GetProperty("checks").GetProperty("query_engine");
        Assert.Equal("Healthy", check.GetProperty("status").GetString());
        Assert.StartsWith("DuckDB ", check.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPage_SucceededRun_HasTheResultsSectionLoadingItsPlots()
    {
        var run = await SucceededRunAsync();
        using var client = await App.SignedInClientAsync("viewer-results", DashboardRoles.Viewer);

        var html = await client.GetStringAsync(new Uri($"/runs/{run.Id}", UriKind.Relative), Token);

        Assert.Contains("id=\"results\"", html, StringComparison.Ordinal);
        Assert.Contains("Loading the plots", html, StringComparison.Ordinal);
        Assert.DoesNotContain("once the run has succeeded", html, StringComparison.Ordinal);
    }

    private async Task<RunSnapshot> SucceededRunAsync()
    {
        var admin = await App.PrincipalAsync("admin");
        var run = (await App.Commands.SubmitAsync(admin, RunForms.Small(), RunForms.Key(), Token)).Run!;
        return await RunWaits.StateAsync(App.Runs, run.Id, RunState.Succeeded);
    }
}
