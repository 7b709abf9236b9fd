using OneOff.Core.Query;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Testing;

[assembly: AssemblyFixture(typeof(PublishedRunFixture))]

namespace OneOff.DuckDb.Tests;

/// <summary>The <see cref="IQueryEngine"/> contract on DuckDB over the fixture's local run folder, plus DuckDB's own cases.</summary>
public sealed class DuckDbQueryEngineTests(PublishedRunFixture run) : QueryEngineContractTests(run)
{
    protected override IQueryEngine NewEngine() => new DuckDbQueryEngine(new FolderObjectStore(Run.Root));

    [Fact]
    public async Task GetMetricsAsync_RootWithAQuoteInItsPath_ReadsTheRun()
    {
        var root = Path.Combine(Path.GetTempPath(), "oneoff-it's-" + Guid.NewGuid().ToString("N"));
        try
        {
            Run.CopyRunTo(root, PublishedRunFixture.RunId);
            using var engine = new DuckDbQueryEngine(new FolderObjectStore(root));

            var metrics = await engine.GetMetricsAsync(PublishedRunFixture.RunId, TestContext.Current.CancellationToken);

            Assert.Equal(Run.Expected.HiddenSizes, metrics.Models.Select(m => m.NHidden));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task GetMetricsAsync_RunWrittenBeforeStopReasons_ReadsEveryMetricWithTheReasonUnknown()
    {
        var token = TestContext.Current.CancellationToken;
        var root = Path.Combine(Path.GetTempPath(), "oneoff-old-" + Guid.NewGuid().ToString("N"));
        try
        {
            Run.CopyRunTo(root, "old-run");
            using var current = new DuckDbQueryEngine(new FolderObjectStore(Run.Root));
            var expected = await current.GetMetricsAsync(PublishedRunFixture.RunId, token);
            foreach (var model in expected.Models)
            {
                // The metrics file as the job wrote it before stop_reason: the same values, one column fewer.
                var path = Path.Combine(root, "runs", "old-run", "metrics", $"n_hidden={model.NHidden}", "part-0.parquet");
                await File.WriteAllBytesAsync(path, await ParquetTables.WriteAsync(RunSchemas.MetricsRequired, async rg =>
                {
                    await rg.WriteAsync<double>(RunSchemas.TrainAcc, new[] { model.TrainAcc }, cancellationToken: token);
                    await rg.WriteAsync<double>(RunSchemas.TestAcc, new[] { model.TestAcc }, cancellationToken: token);
                    await rg.WriteAsync<double>(RunSchemas.SurfaceAgree, new[] { model.SurfaceAgree }, cancellationToken: token);
                    await rg.WriteAsync<int>(RunSchemas.Iterations, new[] { model.Iterations }, cancellationToken: token);
                    await rg.WriteAsync<double>(RunSchemas.FinalLoss, new[] { model.FinalLoss }, cancellationToken: token);
                    await rg.WriteAsync<double>(RunSchemas.FitSeconds, new[] { model.FitSeconds }, cancellationToken: token);
                }), token);
            }

            using var engine = new DuckDbQueryEngine(new FolderObjectStore(root));
            var old = await engine.GetMetricsAsync("old-run", token);

            Assert.All(expected.Models, m => Assert.NotNull(m.StopReason));
            Assert.All(old.Models, m => Assert.Null(m.StopReason));
            Assert.Equal(expected.Models.Select(m => m with { StopReason = null }), old.Models);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task GetLossCurvesAsync_PublishedRunMissingItsLossFiles_ThrowsInvalidDataNamingTheRun()
    {
        var root = Path.Combine(Path.GetTempPath(), "oneoff-damaged-" + Guid.NewGuid().ToString("N"));
        try
        {
            Run.CopyRunTo(root, "damaged-run");
            Directory.Delete(Path.Combine(root, "runs", "damaged-run", "loss"), recursive: true);
            using var engine = new DuckDbQueryEngine(new FolderObjectStore(root));

            var error = await Assert.ThrowsAsync<InvalidDataException>(() => engine.GetLossCurvesAsync("damaged-run", TestContext.Current.CancellationToken));

            Assert.Contains("'damaged-run'", error.Message, StringComparison.Ordinal);
            Assert.Contains("loss-curves", error.Message, StringComparison.Ordinal);
            Assert.Equal(Run.Expected.HiddenSizes.Length, (await engine.GetMetricsAsync("damaged-run", TestContext.Current.CancellationToken)).Models.Count);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task GetMetricsAsync_DisposedEngine_ThrowsObjectDisposed()
    {
        var engine = new DuckDbQueryEngine(new FolderObjectStore(Run.Root));
        engine.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => engine.GetMetricsAsync(PublishedRunFixture.RunId, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Queries_ManyConcurrentOperations_EachGetTheirOwnConnection()
    {
        var engine = CreateEngine();

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => i % 2 == 0
            ? engine.GetMetricsAsync(PublishedRunFixture.RunId, TestContext.Current.CancellationToken).ContinueWith(t => t.Result.Models.Count, TaskScheduler.Default)
            : engine.GetLossCurvesAsync(PublishedRunFixture.RunId, TestContext.Current.CancellationToken).ContinueWith(t => t.Result.Curves.Count, TaskScheduler.Default)));

        Assert.All(results, count => Assert.Equal(Run.Expected.HiddenSizes.Length, count));
    }

    [Theory]
    [InlineData("data*")]
    [InlineData("data[1]")]
    [InlineData("data?")]
    public void Constructor_RootWithAGlobCharacter_ThrowsNamingTheRoot(string name)
    {
        var root = Path.Combine(Path.GetTempPath(), name);

        var error = Assert.Throws<ArgumentException>(() => new DuckDbQueryEngine(new FolderObjectStore(root)));

        Assert.Contains(root, error.Message, StringComparison.Ordinal);
    }
}
