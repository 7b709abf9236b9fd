using OneOff.Core.Query;
using OneOff.Core.Runs;
using OneOff.Core.Storage;

namespace OneOff.Core.Tests.Query;

public sealed class PublishedRunsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "oneoff-published-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task SizesAsync_PublishedRun_GivesTheManifestsSizesAscending()
    {
        var store = new FolderObjectStore(_root);
        await store.PutAsync(RunKeys.Manifest("run-1"), Manifest("run-1", 200, 5, 30), TestContext.Current.CancellationToken);

        var sizes = await PublishedRuns.SizesAsync(store, "run-1", TestContext.Current.CancellationToken);

        Assert.Equal([5, 30, 200], sizes);
    }

    [Fact]
    public async Task SizesAsync_NoManifest_ThrowsRunNotPublished()
    {
        var error = await Assert.ThrowsAsync<RunNotPublishedException>(
            () => PublishedRuns.SizesAsync(new FolderObjectStore(_root), "run-2", TestContext.Current.CancellationToken));

        Assert.Equal("run-2", error.RunId);
    }

    [Fact]
    public async Task SizesAsync_DamagedManifestButWrittenPartitions_AreThePartitionsSizes()
    {
        var store = new FolderObjectStore(_root);
        await store.PutAsync(RunKeys.Manifest("run-4"), "not json"u8.ToArray(), TestContext.Current.CancellationToken);
        foreach (var key in new[] { "runs/run-4/grid/n_hidden=30/part-0.parquet", "runs/run-4/metrics/n_hidden=5/part-0.parquet", "runs/run-4/loss/n_hidden=30/part-0.parquet" })
        {
            await store.PutAsync(key, new byte[] { 1 }, TestContext.Current.CancellationToken);
        }

        var sizes = await PublishedRuns.SizesAsync(store, "run-4", TestContext.Current.CancellationToken);

        Assert.Equal([5, 30], sizes);
    }

    [Fact]
    public async Task SizesAsync_DamagedManifest_ThrowsInvalidDataNamingTheRun()
    {
        var store = new FolderObjectStore(_root);
        await store.PutAsync(RunKeys.Manifest("run-3"), "{\"schema\":"u8.ToArray(), TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => PublishedRuns.SizesAsync(store, "run-3", TestContext.Current.CancellationToken));

        Assert.Contains("'run-3'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SizesAsync_InvalidRunId_ThrowsArgumentExceptionBeforeReading()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => PublishedRuns.SizesAsync(new FolderObjectStore(_root), "../x", TestContext.Current.CancellationToken));
    }

    private static byte[] Manifest(string runId, params int[] sizes) => new RunManifest(
        RunManifest.CurrentSchema, runId, "test", DateTimeOffset.UnixEpoch, ManifestParameters.From(new RunParameters()),
        [.. sizes.Select(n => new ModelMetrics(n, 0.9, 0.9, 0.9, 10, 0.1, 0.01, StopReason.MaxIter))],
        sizes[0], new ManifestRows(100, 100, 10201), new ManifestTimings(0, 0, 0, 0)).ToJson();
}
