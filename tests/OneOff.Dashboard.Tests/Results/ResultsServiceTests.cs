using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OneOff.Core.Query;
using OneOff.Core.Storage;
using OneOff.Dashboard.Results;
using OneOff.DuckDb;
using OneOff.Testing;

[assembly: AssemblyFixture(typeof(PublishedRunFixture))]

namespace OneOff.Dashboard.Tests.Results;

/// <summary>ResultsService over the real DuckDB engine (wrapped to count the calls that reach it) on a real run folder.</summary>
public sealed class ResultsServiceTests(PublishedRunFixture run) : IDisposable
{
    private const string RunId = PublishedRunFixture.RunId;
    private readonly List<string> _roots = [];
    private readonly List<ServiceProvider> _providers = [];

    public static TheoryData<string> QueryNames => [.. QueryCatalog.All.Select(q => q.Name)];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(QueryNames))]
    public async Task Get_SecondIdenticalRequest_IsServedFromTheCacheWithoutTheEngine(string query)
    {
        var (results, engine) = Create(run.Root);

        var first = await Ask(results, query, RunId);
        var second = await Ask(results, query, RunId);

        Assert.Equal(1, engine.CallsOf(query));
        Assert.Equal(1, engine.Calls);
        Assert.Same(first, second);
    }

    [Fact]
    public async Task GetDecisionSurfaceAsync_DifferentSizes_AreCachedSeparately()
    {
        var (results, engine) = Create(run.Root);

        var three = await results.GetDecisionSurfaceAsync(RunId, 3, Token);
        var five = await results.GetDecisionSurfaceAsync(RunId, 5, Token);
        var threeAgain = await results.GetDecisionSurfaceAsync(RunId, 3, Token);

        Assert.Equal(2, engine.CallsOf(QueryCatalog.DecisionSurface.Name));
        Assert.Equal((3, 5), (three.NHidden, five.NHidden));
        Assert.Same(three, threeAgain);
    }

    [Fact]
    public async Task GetTrainingDataAsync_DifferentSampleFractions_AreCachedSeparately()
    {
        var (results, engine) = Create(run.Root);

        var all = await results.GetTrainingDataAsync(RunId, 1, Token);
        var half = await results.GetTrainingDataAsync(RunId, 0.5, Token);
        await results.GetTrainingDataAsync(RunId, 0.5, Token);

        Assert.Equal(2, engine.Calls);
        Assert.InRange(half.Count, 1, all.Count - 1);
    }

    [Theory]
    [InlineData(15_000, 1.0)]
    [InlineData(50_000, 1.0)]
    [InlineData(1_000_000, 0.05)]
    public void PlotSampleFraction_Rows_PlotsAtMostFiftyThousandPoints(long rows, double expected)
    {
        Assert.Equal(expected, ResultsService.PlotSampleFraction(rows), 12);
    }

    [Fact]
    public async Task GetTrainingDataAsync_ConcurrentIdenticalRequests_ShareOneExecution()
    {
        var (results, engine) = Create(run.Root);
        engine.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var requests = Enumerable.Range(0, 16).Select(_ => results.GetTrainingDataAsync(RunId, cancellationToken: Token).AsTask()).ToArray();
        await WaitUntilAsync(() => engine.Calls > 0);
        await Task.Delay(50, Token);
        Assert.All(requests, r => Assert.False(r.IsCompleted));
        engine.Gate.SetResult();
        var points = await Task.WhenAll(requests);

        Assert.Equal(1, engine.Calls);
        Assert.All(points, p => Assert.Same(points[0], p));
        Assert.Equal(run.Expected.ManifestRows("train"), points[0].Count);
    }

    [Fact]
    public async Task Get_UnpublishedRun_IsRefusedEveryTimeWithoutAskingTheEngine()
    {
        var (results, engine) = Create(run.Root);

        foreach (var query in QueryCatalog.All)
        {
            var first = await Assert.ThrowsAsync<RunNotPublishedException>(() => Ask(results, query.Name, PublishedRunFixture.UnpublishedRunId));
            await Assert.ThrowsAsync<RunNotPublishedException>(() => Ask(results, query.Name, PublishedRunFixture.UnpublishedRunId));
            Assert.Contains("not published", first.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, engine.Calls);
    }

    [Fact]
    public async Task Get_InvalidRunId_ThrowsArgumentExceptionWithoutAskingTheEngine()
    {
        var (results, engine) = Create(run.Root);

        await Assert.ThrowsAsync<ArgumentException>(() => results.GetMetricsAsync("../../etc", Token).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => results.EvictRunAsync("Bad Id", Token).AsTask());

        Assert.Equal(0, engine.Calls);
    }

    [Fact]
    public async Task EvictRunAsync_AfterTheRunIsDeleted_DropsItsEntriesAndRefusesIt()
    {
        var root = NewRoot();
        run.CopyRunTo(root, RunId);
        var (results, engine) = Create(root);
        foreach (var query in QueryCatalog.All)
        {
            await Ask(results, query.Name, RunId);
        }

        var cachedCalls = engine.Calls;
        Directory.Delete(Path.Combine(root, "runs", RunId), recursive: true);
        await Ask(results, QueryCatalog.Metrics.Name, RunId);
        Assert.Equal(cachedCalls, engine.Calls);

        await results.EvictRunAsync(RunId, Token);

        foreach (var query in QueryCatalog.All)
        {
            await Assert.ThrowsAsync<RunNotPublishedException>(() => Ask(results, query.Name, RunId));
        }

        Assert.Equal(cachedCalls, engine.Calls);
    }

    [Fact]
    public async Task EvictRunAsync_OneRun_KeepsTheEntriesOfOtherRuns()
    {
        var root = NewRoot();
        run.CopyRunTo(root, "run-a");
        run.CopyRunTo(root, "run-b");
        var (results, engine) = Create(root);
        await results.GetMetricsAsync("run-a", Token);
        await results.GetMetricsAsync("run-b", Token);

        await results.EvictRunAsync("run-a", Token);
        await results.GetMetricsAsync("run-b", Token);
        await results.GetMetricsAsync("run-a", Token);

        Assert.Equal(3, engine.CallsOf(QueryCatalog.Metrics.Name));
    }

    [Fact]
    public async Task GetTrainingDataAsync_ResultAboveOneMebibyte_IsCachedAndCountedInTheMemoryBudget()
    {
        var root = NewRoot();
        await TestRuns.WriteAsync(root, "big-run", trainSize: 100_000, hidden: [1]);
        var (results, engine) = Create(root);

        var first = await results.GetTrainingDataAsync("big-run", cancellationToken: Token);
        var second = await results.GetTrainingDataAsync("big-run", cancellationToken: Token);

        Assert.Equal(100_000, first.Count);
        Assert.Same(first, second);
        Assert.Equal(1, engine.Calls);
        var used = _providers[^1].GetRequiredService<IMemoryCache>().GetCurrentStatistics()?.CurrentEstimatedSize;
        Assert.InRange(used ?? 0, 100_000 * 17, 100_000 * 18);
    }

    [Fact]
    public async Task GetTrainingDataAsync_ResultAboveTheMemoryBudget_IsServedButNotKept()
    {
        var root = NewRoot();
        await TestRuns.WriteAsync(root, "big-run", trainSize: 100_000, hidden: [1]);
        var engine = new CountingQueryEngine(new DuckDbQueryEngine(new FolderObjectStore(root)));
        var results = Provider(root, engine, new Dictionary<string, string?>
            {
                ["OneOff:Results:MaximumPayloadBytes"] = "1048576",
                ["OneOff:Results:MemoryBudgetBytes"] = "1048576",
            })
            .GetRequiredService<ResultsService>();

        var first = await results.GetTrainingDataAsync("big-run", cancellationToken: Token);
        await results.GetTrainingDataAsync("big-run", cancellationToken: Token);

        Assert.Equal(100_000, first.Count);
        Assert.Equal(2, engine.Calls);
    }

    [Fact]
    public async Task GetRunResultsAsync_PublishedRun_ReturnsEveryPartWithTheBestSizesSurface()
    {
        var (results, engine) = Create(run.Root);

        var page = await results.GetRunResultsAsync(RunId, cancellationToken: Token);
        var again = await results.GetRunResultsAsync(RunId, cancellationToken: Token);

        Assert.Equal(run.Expected.BestNHidden, page.BestSurface?.NHidden);
        Assert.Equal(run.Expected.ManifestRows("train"), page.Training?.Count ?? -1);
        Assert.Equal(run.Expected.HiddenSizes, page.Surfaces?.NHidden ?? []);
        Assert.Equal(run.Expected.HiddenSizes, page.Loss?.Curves.Select(c => c.NHidden) ?? []);
        Assert.Equal(run.Expected.ManifestRows("test"), page.Fractions?.Test.Total);
        Assert.Empty(page.Damage);
        Assert.Equal(6, engine.Calls);
        Assert.Same(page.Training, again.Training);
        Assert.Same(page.BestSurface, again.BestSurface);
    }

    [Fact]
    public void AddOneOffResults_Defaults_RaiseThePayloadLimitAndBoundTheMemory()
    {
        var provider = Provider(run.Root, new CountingQueryEngine(new DuckDbQueryEngine(new FolderObjectStore(run.Root))));

        Assert.Equal(64L << 20, provider.GetRequiredService<IOptions<HybridCacheOptions>>().Value.MaximumPayloadBytes);
        Assert.Equal(512L << 20, provider.GetRequiredService<IOptions<MemoryCacheOptions>>().Value.SizeLimit);
    }

    [Fact]
    public void AddOneOffResults_Configuration_SetsTheBudget()
    {
        var provider = Provider(run.Root, null, new Dictionary<string, string?>
        {
            ["OneOff:Results:MaximumPayloadBytes"] = "1048576",
            ["OneOff:Results:MemoryBudgetBytes"] = "8388608",
        });

        Assert.Equal(1048576, provider.GetRequiredService<IOptions<HybridCacheOptions>>().Value.MaximumPayloadBytes);
        Assert.Equal(8388608, provider.GetRequiredService<IOptions<MemoryCacheOptions>>().Value.SizeLimit);
        Assert.IsType<DuckDbQueryEngine>(provider.GetRequiredService<IQueryEngine>());
    }

    [Fact]
    public void AddOneOffResults_PayloadLimitBelowOneMebibyte_FailsValidationNamingTheKey()
    {
        var provider = Provider(run.Root, null, new Dictionary<string, string?> { ["OneOff:Results:MaximumPayloadBytes"] = "1000" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ResultsCacheOptions>>().Value);

        Assert.Contains("OneOff:Results:MaximumPayloadBytes", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        foreach (var root in _roots.Where(Directory.Exists))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    internal static async Task<object> Ask(ResultsService results, string query, string runId) => query switch
    {
        "training-data" => await results.GetTrainingDataAsync(runId, cancellationToken: Token),
        "test-data" => await results.GetTestDataAsync(runId, cancellationToken: Token),
        "class-fractions" => await results.GetClassFractionsAsync(runId, Token),
        "decision-surface" => await results.GetDecisionSurfaceAsync(runId, 3, Token),
        "all-surfaces" => await results.GetAllSurfacesAsync(runId, Token),
        "metrics" => await results.GetMetricsAsync(runId, Token),
        "loss-curves" => await results.GetLossCurvesAsync(runId, Token),
        _ => throw new ArgumentOutOfRangeException(nameof(query), query, "Add the new catalog query to the ResultsService tests."),
    };

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10, Token);
        }

        Assert.True(condition(), "timed out waiting");
    }

    private (ResultsService Results, CountingQueryEngine Engine) Create(string root)
    {
        var engine = new CountingQueryEngine(new DuckDbQueryEngine(new FolderObjectStore(root)));
        return (Provider(root, engine).GetRequiredService<ResultsService>(), engine);
    }

    private ServiceProvider Provider(string root, IQueryEngine? engine, Dictionary<string, string?>? configuration = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration ?? []).Build());
        services.AddSingleton(new FolderObjectStore(root));
        services.AddSingleton<IObjectStore>(sp => sp.GetRequiredService<FolderObjectStore>());
        if (engine is not null)
        {
            services.AddSingleton(engine);
        }
        else
        {
            services.AddDuckDbQueryEngine();
        }

        services.AddOneOffResults();
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    private string NewRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "oneoff-results-tests-" + Guid.NewGuid().ToString("N"));
        _roots.Add(root);
        return root;
    }
}
