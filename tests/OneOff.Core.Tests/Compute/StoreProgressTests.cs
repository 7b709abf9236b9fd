using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Testing;

namespace OneOff.Core.Tests.Compute;

public sealed class StoreProgressTests : IDisposable
{
    private const string RunId = "r1";
    private readonly TempFolder _folder = new();
    private readonly FolderObjectStore _store;
    private readonly StoreProgress _progress;

    public StoreProgressTests()
    {
        _store = new FolderObjectStore(_folder.Path);
        _progress = new StoreProgress(_store);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    private static ModelMetrics Model(int n) => new(n, 0.9, 0.88, 0.5 + (n / 1000.0), 100, 0.2, 0.1, StopReason.MaxIter);

    private async Task WriteMetricsAsync(int n) =>
        await _store.PutAsync(RunKeys.Metrics(RunId, n), await MetricsTable.WriteAsync(Model(n), Token), Token);

    [Fact]
    public async Task ScanAsync_JobFinishesWhileTheScanLists_NeverReportsPublishedWithoutEverySize()
    {
        await WriteMetricsAsync(20);
        // The job writes its last size and the manifest just as the scan has listed the metrics.
        var finishing = new FinishesAfterListing(_store, async () =>
        {
            await WriteMetricsAsync(40);
            await _store.PutAsync(RunKeys.Manifest(RunId), "{}"u8.ToArray(), Token);
        });

        var first = await new StoreProgress(finishing).ScanAsync(RunId, cancellationToken: Token);
        var second = await _progress.ScanAsync(RunId, first.Models.Select(m => m.NHidden).ToHashSet(), Token);

        Assert.False(first.Published, "published while size 40 was not yet reported");
        Assert.Equal([20], first.Models.Select(m => m.NHidden));
        Assert.True(second.Published);
        Assert.Equal([40], second.Models.Select(m => m.NHidden));
    }

    /// <summary>A store that runs <paramref name="finish"/> once, when a listing has been read to its end.</summary>
    private sealed class FinishesAfterListing(IObjectStore inner, Func<Task> finish) : IObjectStore
    {
        private Func<Task>? _finish = finish;

        public string Root => inner.Root;

        public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) => inner.PutAsync(key, content, cancellationToken);

        public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default) => inner.PutAsync(key, content, cancellationToken);

        public Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(key, cancellationToken);

        public async IAsyncEnumerable<string> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var key in inner.ListAsync(prefix, cancellationToken))
            {
                yield return key;
            }

            if (Interlocked.Exchange(ref _finish, null) is { } finish)
            {
                await finish();
            }
        }

        public Task<long> SizeOfPrefixAsync(string prefix, CancellationToken cancellationToken = default) => inner.SizeOfPrefixAsync(prefix, cancellationToken);

        public Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default) => inner.DeletePrefixAsync(prefix, cancellationToken);
    }

    [Fact]
    public async Task ScanAsync_NothingWritten_FindsNothing()
    {
        var scan = await _progress.ScanAsync(RunId, cancellationToken: Token);

        Assert.Empty(scan.Models);
        Assert.False(scan.Published);
    }

    [Fact]
    public async Task ScanAsync_SizesDone_ReportsThemWithTheirMetricsByAscendingSize()
    {
        await WriteMetricsAsync(30);
        await WriteMetricsAsync(5);
        await _store.PutAsync(RunKeys.Grid(RunId, 7), new byte[] { 1 }, Token);

        var scan = await _progress.ScanAsync(RunId, cancellationToken: Token);

        Assert.Equal([new JobModelDone(Model(5)), new JobModelDone(Model(30))], scan.Models);
        Assert.False(scan.Published);
    }

    [Fact]
    public async Task ScanAsync_KnownSizes_AreNotReportedAgain()
    {
        await WriteMetricsAsync(5);
        await WriteMetricsAsync(30);

        var scan = await _progress.ScanAsync(RunId, new HashSet<int> { 5 }, Token);

        Assert.Equal([30], scan.Models.Select(m => m.NHidden));
    }

    [Fact]
    public async Task ScanAsync_UnreadableMetrics_ReportsTheSizeWithoutMetrics()
    {
        await _store.PutAsync(RunKeys.Metrics(RunId, 5), "not parquet"u8.ToArray(), Token);

        var scan = await _progress.ScanAsync(RunId, cancellationToken: Token);

        Assert.Equal([new JobModelDone(5, null)], scan.Models);
    }

    [Fact]
    public async Task ScanAsync_Manifest_IsPublishedAndReadable()
    {
        var manifest = new RunManifest(
            RunManifest.CurrentSchema, RunId, "1.0.0", new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero),
            ManifestParameters.From(new RunParameters { RunId = RunId, HiddenSizes = [5] }), [Model(5)], 5,
            new ManifestRows(15000, 5000, XoGrid.Cells), new ManifestTimings(0.1, 0.2, 0.3, 0.6));
        await WriteMetricsAsync(5);
        await _store.PutAsync(RunKeys.Manifest(RunId), manifest.ToJson(), Token);

        var scan = await _progress.ScanAsync(RunId, cancellationToken: Token);
        var read = await _progress.ReadManifestAsync(RunId, Token);

        Assert.True(scan.Published);
        Assert.NotNull(read);
        Assert.Equal(5, read.BestNHidden);
        Assert.Equal(manifest.Models, read.Models);
    }

    [Fact]
    public async Task ReadManifestAsync_NotPublished_IsNull()
    {
        Assert.Null(await _progress.ReadManifestAsync(RunId, Token));
    }

    [Fact]
    public async Task ReadManifestAsync_Damaged_ThrowsInvalidData()
    {
        await _store.PutAsync(RunKeys.Manifest(RunId), "{"u8.ToArray(), Token);

        await Assert.ThrowsAsync<InvalidDataException>(() => _progress.ReadManifestAsync(RunId, Token));
    }

    [Fact]
    public async Task ReadMetricsAsync_Missing_IsNull()
    {
        Assert.Null(await _progress.ReadMetricsAsync(RunId, 5, Token));
    }

    [Fact]
    public async Task ScanAsync_InvalidRunId_Throws()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _progress.ScanAsync("../x", cancellationToken: Token));
    }
}
