using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using OneOff.Aws.Storage;
using OneOff.Core.Storage;
using OneOff.Aws.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Storage;

/// <summary>The store contract against <see cref="S3ObjectStore"/> on moto, plus what only S3 has (parts, pages, prefixes).</summary>
[Collection(MotoCollection.Name)]
public sealed class S3ObjectStoreTests(MotoServer moto) : ObjectStoreContractTests, IAsyncLifetime
{
    private const string Bucket = "oneoff-test";
    private readonly List<IDisposable> _disposables = [];
    private AmazonS3Client? _s3;

    public async ValueTask InitializeAsync()
    {
        await moto.ResetAsync();
        _s3 = CreateClient(moto);
        await _s3.PutBucketAsync(Bucket, Ct);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        _s3?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A client as S3ObjectStore.Open configures it for <c>AWS_ENDPOINT_URL_S3</c>, with moto's test credentials.</summary>
    internal static AmazonS3Client CreateClient(MotoServer moto)
    {
        var config = S3ObjectStore.CreateConfig(MotoServer.Region, name => name == "AWS_ENDPOINT_URL_S3" ? moto.Endpoint.ToString() : null);
        return new AmazonS3Client(new BasicAWSCredentials(MotoServer.AccessKey, MotoServer.SecretKey), config);
    }

    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(Track(new S3ObjectStore(Client, S3Root.Parse($"s3://{Bucket}/root/prefix"))));

    private AmazonS3Client Client => _s3 ?? throw new InvalidOperationException("Not initialised.");

    [Fact]
    public async Task PutAsync_ObjectAboveThreshold_UploadsInPartsAndReadsBackWhole()
    {
        var store = Track(new S3ObjectStore(Client, S3Root.Parse($"s3://{Bucket}/big"), multipartThreshold: 5 * 1024 * 1024));
        var content = new byte[(11 * 1024 * 1024) + 123];
        new Random(7).NextBytes(content);

        await store.PutAsync("runs/r1/train/part-0.parquet", content, Ct);

        var head = await Client.GetObjectMetadataAsync(Bucket, "big/runs/r1/train/part-0.parquet", Ct);
        Assert.EndsWith("-3\"", head.ETag, StringComparison.Ordinal);
        Assert.Equal(content, await store.GetAsync("runs/r1/train/part-0.parquet", Ct));
    }

    [Fact]
    public async Task PutAsync_NonSeekableStreamAboveThreshold_UploadsInParts()
    {
        var store = Track(new S3ObjectStore(Client, S3Root.Parse($"s3://{Bucket}/big"), multipartThreshold: 5 * 1024 * 1024));
        var content = new byte[(6 * 1024 * 1024) + 1];
        new Random(8).NextBytes(content);
        await using var stream = new ForwardOnlyStream(content);

        await store.PutAsync("forward", stream, Ct);

        var head = await Client.GetObjectMetadataAsync(Bucket, "big/forward", Ct);
        Assert.EndsWith("-2\"", head.ETag, StringComparison.Ordinal);
        Assert.Equal(content, await store.GetAsync("forward", Ct));
    }

    [Fact]
    public async Task PutAsync_BelowThreshold_UsesOnePut()
    {
        var store = Track(new S3ObjectStore(Client, S3Root.Parse($"s3://{Bucket}/small")));

        await store.PutAsync("x", new byte[1024], Ct);

        var head = await Client.GetObjectMetadataAsync(Bucket, "small/x", Ct);
        Assert.DoesNotContain('-', head.ETag);
    }

    [Fact]
    public async Task ListAsync_MoreKeysThanOnePage_FollowsEveryPage()
    {
        var keys = Enumerable.Range(0, 1005).Select(i => $"p/{i:D4}").ToArray();
        foreach (var chunk in keys.Chunk(100))
        {
            await Task.WhenAll(chunk.Select(k => Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "paged/" + k, ContentBody = "1" }, Ct)));
        }

        var store = Track(new S3ObjectStore(Client, S3Root.Parse($"s3://{Bucket}/paged")));

        Assert.Equal(keys, await store.ListAsync("p/", Ct).ToListAsync(Ct));
        Assert.Equal(1005, await store.DeletePrefixAsync("p/", Ct));
        Assert.Empty(await store.ListAsync(string.Empty, Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task ListAsync_SiblingPrefix_IsNotPartOfTheStore()
    {
        var store = Track(new S3ObjectStore(Client, S3Root.Parse($"s3://{Bucket}/p")));
        await Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "p2/x", ContentBody = "1" }, Ct);
        await store.PutAsync("y", "1"u8.ToArray(), Ct);

        Assert.Equal(["y"], await store.ListAsync(string.Empty, Ct).ToListAsync(Ct));
        Assert.Equal(1, await store.DeletePrefixAsync(string.Empty, Ct));
        Assert.Equal(["p2/x"], (await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket }, Ct)).S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task Root_IsTheUriAsWritten()
    {
        var store = await CreateStoreAsync();

        Assert.Equal($"s3://{Bucket}/root/prefix", store.Root);
    }

    [Fact]
    public async Task GetAsync_MissingBucket_IsNotReportedAsMissingObject()
    {
        var store = Track(new S3ObjectStore(Client, S3Root.Parse("s3://no-such-bucket/x")));

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => store.GetAsync("k", Ct));

        Assert.Equal("NoSuchBucket", error.ErrorCode);
    }

    private S3ObjectStore Track(S3ObjectStore store)
    {
        _disposables.Add(store);
        return store;
    }
}
