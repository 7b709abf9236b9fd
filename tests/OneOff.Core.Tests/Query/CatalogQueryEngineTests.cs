using System.Data.Common;
using OneOff.Core.Query;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Testing;

namespace OneOff.Core.Tests.Query;

/// <summary>
/// <see cref="CatalogQueryEngine"/>: the queries of one run asked at once share one manifest read (on S3, one GET for a
/// run page's five queries, not five); nothing is kept after it, and one caller's cancellation ends only its own wait.
/// </summary>
public sealed class CatalogQueryEngineTests : IDisposable
{
    private readonly TempFolder _root = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Queries_OfOneRunAskedAtOnce_ShareOneManifestReadAndBindItsSizes()
    {
        var store = await PublishedAsync("run-1", 5, 30, 200);
        var engine = new RecordingEngine(store);

        Task[] asked =
        [
            engine.GetTrainingDataAsync("run-1", cancellationToken: Ct), engine.GetClassFractionsAsync("run-1", Ct),
            engine.GetMetricsAsync("run-1", Ct), engine.GetAllSurfacesAsync("run-1", Ct), engine.GetLossCurvesAsync("run-1", Ct),
        ];
        await store.ManifestAsked.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var whileReading = store.ManifestGets;
        store.Release();
        await Task.WhenAll(asked).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(1, whileReading);
        Assert.Equal(1, store.ManifestGets);
        Assert.Equal(5, engine.Commands.Count);
        Assert.Contains(engine.Commands, c => c.Query == QueryCatalog.Metrics && c.Parameters.SequenceEqual<object>(["run-1", 5, 30, 200]));
    }

    [Fact]
    public async Task Queries_AskedAfterTheReadEnded_ReadTheManifestAgain()
    {
        var store = await PublishedAsync("run-2", 3);
        store.Release();
        var engine = new RecordingEngine(store);

        await engine.GetMetricsAsync("run-2", Ct);
        store.DeleteKey(RunKeys.Manifest("run-2"));

        await Assert.ThrowsAsync<RunNotPublishedException>(() => engine.GetMetricsAsync("run-2", Ct));
        Assert.Equal(2, store.ManifestGets);
    }

    [Fact]
    public async Task OneCallerCancelled_WhileTheReadIsUnderWay_EndsOnlyItsOwnWait()
    {
        var store = await PublishedAsync("run-3", 4, 8);
        var engine = new RecordingEngine(store);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var cancelled = engine.GetMetricsAsync("run-3", cancel.Token);
        var other = engine.GetLossCurvesAsync("run-3", Ct);
        await store.ManifestAsked.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        store.Release();
        await other.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(1, store.ManifestGets);
        Assert.Equal(QueryCatalog.LossCurves, Assert.Single(engine.Commands).Query);
    }

    [Fact]
    public async Task Query_InvalidRunId_ThrowsBeforeAnyRead()
    {
        var store = await PublishedAsync("run-4", 2);
        var engine = new RecordingEngine(store);

        await Assert.ThrowsAsync<ArgumentException>(() => engine.GetMetricsAsync("../run-4", Ct));

        Assert.Equal(0, store.ManifestGets);
    }

    private async Task<GatedStore> PublishedAsync(string runId, params int[] sizes)
    {
        var inner = new FolderObjectStore(_root.Path);
        var manifest = new RunManifest(
            RunManifest.CurrentSchema, runId, "test", DateTimeOffset.UnixEpoch, ManifestParameters.From(new RunParameters()),
            [.. sizes.Select(n => new ModelMetrics(n, 0.9, 0.9, 0.9, 10, 0.1, 0.01, StopReason.MaxIter))],
            sizes[0], new ManifestRows(100, 100, 10201), new ManifestTimings(0, 0, 0, 0));
        await inner.PutAsync(RunKeys.Manifest(runId), manifest.ToJson(), Ct);
        return new GatedStore(inner);
    }

    /// <summary>An engine that records each bound command and answers nothing (the readers are not what is tested).</summary>
    private sealed class RecordingEngine(IObjectStore store) : CatalogQueryEngine(store)
    {
        private readonly List<QueryCommand> _commands = [];

        public IReadOnlyList<QueryCommand> Commands
        {
            get
            {
                lock (_commands)
                {
                    return [.. _commands];
                }
            }
        }

        public override Task<QueryEngineHealth> CheckHealthAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult(new QueryEngineHealth(true, "recording"));

        protected override Task<T> ExecuteAsync<T>(string runId, QueryCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
        {
            lock (_commands)
            {
                _commands.Add(command);
            }

            return Task.FromResult(default(T)!);
        }
    }

    /// <summary>A folder store whose manifest GETs are counted and wait until <see cref="Release"/>.</summary>
    private sealed class GatedStore(FolderObjectStore inner) : IObjectStore
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _manifestGets;

        public TaskCompletionSource ManifestAsked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int ManifestGets => Volatile.Read(ref _manifestGets);

        public string Root => inner.Root;

        public void Release() => _gate.TrySetResult();

        public void DeleteKey(string key) => File.Delete(inner.PathOf(key));

        public async Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default)
        {
            if (key.EndsWith("/_manifest.json", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _manifestGets);
                ManifestAsked.TrySetResult();
                await _gate.Task.WaitAsync(cancellationToken);
            }

            return await inner.GetAsync(key, cancellationToken);
        }

        public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) => inner.PutAsync(key, content, cancellationToken);

        public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default) => inner.PutAsync(key, content, cancellationToken);

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(key, cancellationToken);

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

        public Task<long> SizeOfPrefixAsync(string prefix, CancellationToken cancellationToken = default) => inner.SizeOfPrefixAsync(prefix, cancellationToken);

        public Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default) => inner.DeletePrefixAsync(prefix, cancellationToken);
    }
}
