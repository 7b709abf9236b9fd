using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OneOff.Core.Query;
using OneOff.Core.Storage;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Results;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.DuckDb;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Results;

/// <summary>A run that succeeds has its page's queries run in the background: its first viewer runs none.</summary>
public sealed class ResultsWarmupTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunSucceeds_ItsPageQueriesRunOnceInTheBackground_TheFirstViewRunsNone()
    {
        using var folder = new TempFolder();
        CountingQueryEngine? engine = null;
        await using var app = new DashboardApp(folder.Path, s => s.AddSingleton<IQueryEngine>(sp => engine = new CountingQueryEngine(
            new DuckDbQueryEngine(sp.GetRequiredService<FolderObjectStore>(), sp.GetService<ILogger<DuckDbQueryEngine>>()))));
        _ = app.Server;
        var warmed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Services.GetRequiredService<ResultsWarmup>().Warmed += id => warmed.TrySetResult(id);
        var admin = await app.PrincipalAsync("admin");

        var run = (await app.Commands.SubmitAsync(admin, RunForms.Small(), RunForms.Key(), Token)).Run!;
        await RunWaits.StateAsync(app.Runs, run.Id, RunState.Succeeded);
        Assert.Equal(run.Id, await warmed.Task.WaitAsync(TimeSpan.FromMinutes(2), Token));
        var inBackground = engine!.Calls;
        var vm = app.Services.GetRequiredService<RunDetailsViewModel>();
        await vm.LoadAsync(run.Id, Token);
        await vm.LoadResultsAsync(Token);
        foreach (var n in vm.Results?.Surfaces?.NHidden ?? [])
        {
            await vm.LoadSurfaceAsync(n, Token);
        }

        Assert.Null(vm.ResultsError);
        Assert.Equal([3, 5], vm.Results?.Surfaces?.NHidden ?? []);
        // Training data, class counts, metrics, all surfaces, loss curves, and each size's surface (the best one shared).
        Assert.Equal(7, inBackground);
        Assert.Equal(inBackground, engine.Calls);
    }
}
