using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using OneOff.Aws.Clients;
using OneOff.Core.Storage;

namespace OneOff.Aws.Storage;

/// <summary>
/// An <see cref="IObjectStore"/> over an S3 bucket and prefix (AWSSDK.S3): key <c>a/b</c> is the object
/// <c>{prefix}a/b</c>. An S3 PUT is atomic, so an object is visible whole or not at all; objects of at least
/// <see cref="MultipartThreshold"/> bytes go up by multipart upload (AWSSDK.S3's <see cref="TransferUtility"/>,
/// which aborts a failed upload). Listing follows every page.
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    /// <summary>The default size from which objects go up in parts, and the part size (16 MiB).</summary>
    public const long DefaultMultipartThreshold = 16L * 1024 * 1024;

    private const int DeleteBatch = 1000;
    private readonly IAmazonS3 _s3;
    private readonly bool _ownsClient;
    private readonly S3Root _location;
    private readonly TransferUtility _transfer;

    /// <summary>Creates a store over an existing client.</summary>
    /// <param name="s3">The client; not disposed by the store.</param>
    /// <param name="location">Bucket and prefix.</param>
    /// <param name="multipartThreshold">Objects this large or larger go up in parts of this size (at least 5 MiB, S3's minimum part).</param>
    public S3ObjectStore(IAmazonS3 s3, S3Root location, long multipartThreshold = DefaultMultipartThreshold)
        : this(s3, location, multipartThreshold, ownsClient: false)
    {
    }

    private S3ObjectStore(IAmazonS3 s3, S3Root location, long multipartThreshold, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentNullException.ThrowIfNull(location);
        ArgumentOutOfRangeException.ThrowIfLessThan(multipartThreshold, 5L * 1024 * 1024);
        _s3 = s3;
        _location = location;
        _ownsClient = ownsClient;
        MultipartThreshold = multipartThreshold;
        _transfer = new TransferUtility(s3, new TransferUtilityConfig { MinSizeBeforePartUpload = multipartThreshold });
    }

    /// <inheritdoc />
    public string Root => _location.ToString();

    /// <summary>Bucket and prefix.</summary>
    public S3Root Location => _location;

    /// <summary>Objects this large or larger are uploaded in parts of this size.</summary>
    public long MultipartThreshold { get; }

    /// <summary>
    /// Opens <paramref name="location"/> with a client of its own: credentials from the AWS default chain; region from
    /// <see cref="AwsClientOptions.Region"/>, else the SDK's own chain (<c>AWS_REGION</c>, profile, instance metadata);
    /// endpoint from <c>AWS_ENDPOINT_URL_S3</c> or <c>AWS_ENDPOINT_URL</c> when set, then with path-style addressing.
    /// </summary>
    /// <exception cref="InvalidOperationException">No region can be found, or an endpoint variable is not an http(s) URL.</exception>
    public static S3ObjectStore Open(S3Root location, AwsClientOptions? options = null) =>
        Open(location, options, environment: null);

    internal static S3ObjectStore Open(S3Root location, AwsClientOptions? options, Func<string, string?>? environment)
    {
        ArgumentNullException.ThrowIfNull(location);
        AmazonS3Client client;
        try
        {
            client = new AmazonS3Client(CreateConfig(options?.Region, environment));
        }
        catch (AmazonClientException e) when (e.Message.Contains("RegionEndpoint", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"No AWS region for {location}: set AWS_REGION (or OneOff:Aws:Region), e.g. us-east-1, or run where the SDK finds one (profile, instance metadata).", e);
        }

        return new S3ObjectStore(client, location, DefaultMultipartThreshold, ownsClient: true);
    }

    internal static AmazonS3Config CreateConfig(string? region, Func<string, string?>? environment)
    {
        var config = new AmazonS3Config();
        if (!string.IsNullOrWhiteSpace(region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(AwsEndpoints.ResolveRegion(region, environment));
        }

        var endpoint = AwsEndpoints.ResolveOverride("S3", environment);
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint.ToString();
            config.ForcePathStyle = true;
            config.AuthenticationRegion = string.IsNullOrWhiteSpace(region)
                ? (environment ?? Environment.GetEnvironmentVariable)("AWS_REGION") ?? "us-east-1"
                : region;
        }

        return config;
    }

    /// <inheritdoc />
    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var objectKey = WritableKey(key);
        var stream = MemoryMarshal.TryGetArray(content, out var segment) && segment.Array is not null
            ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
        await using (stream.ConfigureAwait(false))
        {
            await UploadAsync(objectKey, stream, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var objectKey = WritableKey(key);
        if (content.CanSeek && content.Position == 0)
        {
            await UploadAsync(objectKey, content, cancellationToken).ConfigureAwait(false);
            return;
        }

        // A stream of unknown length (or one positioned past its start, which the SDK would rewind) is spooled
        // to a temporary file first, so memory stays bounded and the upload can choose between one PUT and parts.
        var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await using (spool.ConfigureAwait(false))
        {
            await content.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
            spool.Position = 0;
            await UploadAsync(objectKey, spool, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKeys.Validate(key);
        try
        {
            using var response = await _s3.GetObjectAsync(_location.Bucket, _location.Prefix + key, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream(response.ContentLength > 0 ? (int)Math.Min(response.ContentLength, int.MaxValue) : 0);
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            throw new ObjectNotFoundException(Root, key);
        }
    }

    /// <summary>
    /// The object's body as S3 sends it (not buffered: an export of a 1M-point run streams its 48 MB training file);
    /// disposing the stream ends the response.
    /// </summary>
    /// <exception cref="ObjectNotFoundException">No object has that key.</exception>
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKeys.Validate(key);
        try
        {
            var response = await _s3.GetObjectAsync(_location.Bucket, _location.Prefix + key, cancellationToken).ConfigureAwait(false);
            return new ResponseBody(response);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            throw new ObjectNotFoundException(Root, key);
        }
    }

    /// <summary>A read-only view of a GetObject response's body that ends the response when disposed.</summary>
    private sealed class ResponseBody(GetObjectResponse response) : Stream
    {
        private readonly Stream _body = response.ResponseStream;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => response.ContentLength;
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _body.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _body.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _body.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKeys.Validate(key);
        try
        {
            await _s3.GetObjectMetadataAsync(_location.Bucket, _location.Prefix + key, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ObjectKeys.Validate(prefix, allowEmpty: true);
        var request = new ListObjectsV2Request { BucketName = _location.Bucket, Prefix = _location.Prefix + prefix };
        await foreach (var item in _s3.Paginators.ListObjectsV2(request).S3Objects.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return item.Key[_location.Prefix.Length..];
        }
    }

    /// <inheritdoc />
    public async Task<long> SizeOfPrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ObjectKeys.Validate(prefix, allowEmpty: true);
        var request = new ListObjectsV2Request { BucketName = _location.Bucket, Prefix = _location.Prefix + prefix };
        var bytes = 0L;
        await foreach (var item in _s3.Paginators.ListObjectsV2(request).S3Objects.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            bytes += item.Size ?? 0;
        }

        return bytes;
    }

    /// <inheritdoc />
    public async Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var deleted = 0;
        var batch = new List<KeyVersion>(DeleteBatch);
        await foreach (var key in ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            batch.Add(new KeyVersion { Key = _location.Prefix + key });
            if (batch.Count == DeleteBatch)
            {
                deleted += await DeleteAsync(batch, cancellationToken).ConfigureAwait(false);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            deleted += await DeleteAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        return deleted;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _transfer.Dispose();
        if (_ownsClient)
        {
            _s3.Dispose();
        }
    }

    private async Task UploadAsync(string objectKey, Stream content, CancellationToken cancellationToken)
    {
        if (content.Length - content.Position < MultipartThreshold)
        {
            await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _location.Bucket, Key = objectKey, InputStream = content, AutoCloseStream = false }, cancellationToken).ConfigureAwait(false);
            return;
        }

        await _transfer.UploadAsync(
            new TransferUtilityUploadRequest { BucketName = _location.Bucket, Key = objectKey, InputStream = content, PartSize = MultipartThreshold, AutoCloseStream = false },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> DeleteAsync(List<KeyVersion> keys, CancellationToken cancellationToken)
    {
        var response = await _s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = _location.Bucket, Objects = [.. keys], Quiet = true }, cancellationToken).ConfigureAwait(false);
        if (response.DeleteErrors is { Count: > 0 } errors)
        {
            throw new IOException($"S3 refused to delete {errors.Count} object(s) under {Root}, e.g. '{errors[0].Key}': {errors[0].Code} {errors[0].Message}");
        }

        return keys.Count;
    }

    private string WritableKey(string key)
    {
        ObjectKeys.Validate(key);
        if (key.EndsWith('/'))
        {
            throw new ArgumentException($"Object key '{key}' names a folder, not an object.", nameof(key));
        }

        return _location.Prefix + key;
    }
}
