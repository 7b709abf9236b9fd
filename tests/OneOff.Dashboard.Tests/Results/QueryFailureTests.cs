using Microsoft.Extensions.DependencyInjection;
using OneOff.Core.Query;
using OneOff.Dashboard.Model;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Results;

/// <summary>An engine that cannot answer (Athena failed or timed out) reaches the run page as its plain words with Try again, never as damage.</summary>
public sealed class QueryFailureTests
{
    private const string RunId = "20260101-000000-qfail";
    private const string Words = "Athena did not finish the query within 300 s (OneOff:Aws:Athena:QueryTimeoutSeconds); it was stopped.";

    [Theory]
    [InlineData(true, Words)]
    [InlineData(false, Words + " Trying again may not help; the details are in the dashboard's log.")]
    public async Task LoadResultsAsync_EngineFails_ShowsItsWordsAndMarksNothingDamaged(bool retryable, string expected)
    {
        using var folder = new TempFolder();
        await TestRuns.WriteAsync(folder.Path, RunId);
        await using var app = new DashboardApp(folder.Path, s => s.AddSingleton<IQueryEngine>(new FailingEngine(retryable)));
        _ = app.Server;
        // Published outside the dashboard: the start's adoption pass gives it a record.
        var vm = app.Services.GetRequiredService<RunDetailsViewModel>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((await app.Runs.GetAsync(RunId, TestContext.Current.CancellationToken)) is null && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        await vm.LoadAsync(RunId, TestContext.Current.CancellationToken);
        await vm.LoadResultsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(expected, vm.ResultsError);
        Assert.Null(vm.Results);
        Assert.Null(vm.OutputsDamaged);
        Assert.Null((await app.Runs.GetAsync(RunId, TestContext.Current.CancellationToken))?.OutputsDamaged);
    }

    private sealed class FailingEngine(bool retryable) : IQueryEngine
    {
        public Task<PointSet> GetTrainingDataAsync(string runId, double sampleFraction = 1, CancellationToken cancellationToken = default) => Fail<PointSet>(QueryCatalog.TrainingData, runId);

        public Task<PointSet> GetTestDataAsync(string runId, double sampleFraction = 1, CancellationToken cancellationToken = default) => Fail<PointSet>(QueryCatalog.TestData, runId);

        public Task<ClassFractions> GetClassFractionsAsync(string runId, CancellationToken cancellationToken = default) => Fail<ClassFractions>(QueryCatalog.ClassFractions, runId);

        public Task<DecisionSurface> GetDecisionSurfaceAsync(string runId, int nHidden, CancellationToken cancellationToken = default) => Fail<DecisionSurface>(QueryCatalog.DecisionSurface, runId);

        public Task<SurfaceSet> GetAllSurfacesAsync(string runId, CancellationToken cancellationToken = default) => Fail<SurfaceSet>(QueryCatalog.AllSurfaces, runId);

        public Task<RunMetrics> GetMetricsAsync(string runId, CancellationToken cancellationToken = default) => Fail<RunMetrics>(QueryCatalog.Metrics, runId);

        public Task<LossCurves> GetLossCurvesAsync(string runId, CancellationToken cancellationToken = default) => Fail<LossCurves>(QueryCatalog.LossCurves, runId);

        public Task<QueryEngineHealth> CheckHealthAsync(CancellationToken cancellationToken = default) => Task.FromResult(new QueryEngineHealth(true, "failing on purpose"));

        private Task<T> Fail<T>(QueryDefinition query, string runId) => Task.FromException<T>(new QueryFailedException(query.Name, runId, Words, retryable));
    }
}
