using Amazon.S3;
using OneOff.Aws.Storage;

namespace OneOff.Aws.Query;

/// <summary>
/// Opens the result CSV of a query (<c>ResultConfiguration.OutputLocation</c>, <c>s3://bucket/…/{id}.csv</c>) with one
/// S3 GET, through an <see cref="S3ObjectStore"/> over its bucket: the result location may be the workgroup's, in a
/// bucket other than the deployment's.
/// </summary>
internal sealed class AthenaResultFiles(IAmazonS3 s3)
{
    /// <summary>The object's body (the caller disposes it).</summary>
    /// <exception cref="ArgumentException">Not an <c>s3://bucket/key</c> URI.</exception>
    /// <exception cref="Core.Storage.ObjectNotFoundException">No such object.</exception>
    public Task<Stream> OpenAsync(string location, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        var parsed = S3Root.Parse(location);
        var key = parsed.Prefix.TrimEnd('/');
        if (key.Length == 0)
        {
            throw new ArgumentException($"'{location}' names a bucket, not a result file.", nameof(location));
        }

        var store = new S3ObjectStore(s3, new S3Root(parsed.Bucket, ""));
        return store.OpenReadAsync(key, cancellationToken);
    }
}
