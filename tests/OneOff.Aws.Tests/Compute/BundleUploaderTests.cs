using System.Runtime.CompilerServices;
using System.Text;
using Amazon.S3;
using Microsoft.Extensions.Logging.Abstractions;
using OneOff.Aws.Compute;
using OneOff.Aws.Storage;
using OneOff.Aws.Tests.Infrastructure;
using OneOff.Aws.Tests.Storage;
using OneOff.Core.Storage;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Compute;

/// <summary>
/// <see cref="BundleUploader"/> against every store that runs here: once per content hash, the marker last, an
/// incomplete earlier upload redone.
/// </summary>
public abstract class BundleUploaderContractTests : IDisposable
{
    private readonly TempFolder _folder = new();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh, empty store.</summary>
    protected abstract Task<IObjectStore> CreateStoreAsync();

    public void Dispose()
    {
        _folder.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task UploadAsync_NewBundle_EveryArtifactThenTheMarkerLast()
    {
        var store = new RecordingStore(await CreateStoreAsync());
        var bundle = await SmallBundleAsync("a");

        var location = await new BundleUploader(store, NullLogger<BundleUploader>.Instance).UploadAsync(bundle, Ct);

        var prefix = $"artifacts/{bundle.ContentHash}/";
        Assert.Equal(prefix, location.Prefix);
        Assert.Equal($"{store.Root.TrimEnd('/')}/{prefix}", location.Uri);
        Assert.Equal(4, location.UploadedArtifacts);
        Assert.Equal([.. bundle.Artifacts.Select(a => prefix + a.Name), prefix + BundleUploader.CompleteMarker], store.Puts);
        foreach (var artifact in bundle.Artifacts)
        {
            Assert.Equal(await File.ReadAllBytesAsync(artifact.Path, Ct), await store.GetAsync(prefix + artifact.Name, Ct));
        }

        Assert.Equal(bundle.Checksums, Encoding.UTF8.GetString(await store.GetAsync(prefix + BundleUploader.CompleteMarker, Ct)));
    }

    [Fact]
    public async Task UploadAsync_SameBundleTwice_SecondUploadsNothing()
    {
        var store = new RecordingStore(await CreateStoreAsync());
        var uploader = new BundleUploader(store, NullLogger<BundleUploader>.Instance);
        await uploader.UploadAsync(await SmallBundleAsync("a"), Ct);
        store.Puts.Clear();

        var again = await uploader.UploadAsync(await SmallBundleAsync("b"), Ct);

        Assert.Equal(0, again.UploadedArtifacts);
        Assert.Empty(store.Puts);
    }

    [Fact]
    public async Task UploadAsync_NewDriver_UploadsANewFolderBesideTheOld()
    {
        var store = new RecordingStore(await CreateStoreAsync());
        var uploader = new BundleUploader(store, NullLogger<BundleUploader>.Instance);
        var first = await uploader.UploadAsync(await SmallBundleAsync("a"), Ct);

        var second = await uploader.UploadAsync(await SmallBundleAsync("b", "print('changed')\n"), Ct);

        Assert.NotEqual(first.Prefix, second.Prefix);
        Assert.Equal(4, second.UploadedArtifacts);
        Assert.True(await store.ExistsAsync(first.Prefix + BundleUploader.CompleteMarker, Ct));
    }

    [Fact]
    public async Task UploadAsync_EarlierUploadWithoutMarker_RedoneWhole()
    {
        var store = new RecordingStore(await CreateStoreAsync());
        var bundle = await SmallBundleAsync("a");
        var prefix = BundleUploader.PrefixOf(bundle.ContentHash);
        // An upload cut short: one artifact there (damaged), no marker.
        await store.PutAsync(prefix + "oneoff-job-linux-arm64.tar.gz", "half"u8.ToArray(), Ct);
        store.Puts.Clear();

        var location = await new BundleUploader(store, NullLogger<BundleUploader>.Instance).UploadAsync(bundle, Ct);

        Assert.Equal(4, location.UploadedArtifacts);
        Assert.Equal(prefix + BundleUploader.CompleteMarker, store.Puts[^1]);
        Assert.Equal(await File.ReadAllBytesAsync(bundle.Artifact("oneoff-job-linux-arm64.tar.gz").Path, Ct), await store.GetAsync(prefix + "oneoff-job-linux-arm64.tar.gz", Ct));
    }

    [Fact]
    public async Task UploadAsync_MarkerOfOtherContent_Redone()
    {
        var store = new RecordingStore(await CreateStoreAsync());
        var bundle = await SmallBundleAsync("a");
        await store.PutAsync(BundleUploader.PrefixOf(bundle.ContentHash) + BundleUploader.CompleteMarker, "torn"u8.ToArray(), Ct);

        var location = await new BundleUploader(store, NullLogger<BundleUploader>.Instance).UploadAsync(bundle, Ct);

        Assert.Equal(4, location.UploadedArtifacts);
    }

    private Task<JobBundle> SmallBundleAsync(string name, string driver = "print('driver')\n") =>
        JobBundle.BuildAsync(BundleFiles.SmallSource(_folder, driver, name: name), _folder[name + "-out"], Ct);

    /// <summary>The store, recording the key of every write in order.</summary>
    private sealed class RecordingStore(IObjectStore inner) : IObjectStore
    {
        public List<string> Puts { get; } = [];

        public string Root => inner.Root;

        public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
        {
            Puts.Add(key);
            return inner.PutAsync(key, content, cancellationToken);
        }

        public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
        {
            Puts.Add(key);
            return inner.PutAsync(key, content, cancellationToken);
        }

        public Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(key, cancellationToken);

        public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var key in inner.ListAsync(prefix, cancellationToken))
            {
                yield return key;
            }
        }

        public Task<long> SizeOfPrefixAsync(string prefix, CancellationToken cancellationToken = default) => inner.SizeOfPrefixAsync(prefix, cancellationToken);

        public Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default) => inner.DeletePrefixAsync(prefix, cancellationToken);
    }
}

/// <summary>The uploader over <see cref="FolderObjectStore"/>.</summary>
public sealed class FolderBundleUploaderTests : BundleUploaderContractTests
{
    private readonly TempFolder _root = new();

    protected override Task<IObjectStore> CreateStoreAsync() =>
        Task.FromResult<IObjectStore>(new FolderObjectStore(Path.Combine(_root.Path, Guid.NewGuid().ToString("N"))));
}

/// <summary>The uploader over <see cref="S3ObjectStore"/> on moto.</summary>
[Collection(MotoCollection.Name)]
public sealed class S3BundleUploaderTests(MotoServer moto) : BundleUploaderContractTests, IAsyncLifetime
{
    private const string Bucket = "oneoff-bundle";
    private AmazonS3Client? _s3;
    private readonly List<S3ObjectStore> _stores = [];

    public async ValueTask InitializeAsync()
    {
        await moto.ResetAsync();
        _s3 = S3ObjectStoreTests.CreateClient(moto);
        await _s3.PutBucketAsync(Bucket, Ct);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _s3?.Dispose();
        return ValueTask.CompletedTask;
    }

    protected override Task<IObjectStore> CreateStoreAsync()
    {
        var store = new S3ObjectStore(_s3 ?? throw new InvalidOperationException("Not initialised."), S3Root.Parse($"s3://{Bucket}/deploy/{Guid.NewGuid():N}"));
        _stores.Add(store);
        return Task.FromResult<IObjectStore>(store);
    }
}
