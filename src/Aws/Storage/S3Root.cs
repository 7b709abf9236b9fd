using System.Text.RegularExpressions;
using OneOff.Core.Storage;

namespace OneOff.Aws.Storage;

/// <summary>A parsed <c>s3://bucket/prefix</c> root: a bucket and a key prefix (empty, or ending in '/').</summary>
/// <param name="Bucket">The bucket name.</param>
/// <param name="Prefix">The key prefix every object of the store starts with: empty, or '/'-terminated.</param>
public sealed partial record S3Root(string Bucket, string Prefix)
{
    /// <summary>The root as a user writes it: <c>s3://bucket/prefix</c> (no trailing '/').</summary>
    public override string ToString() => Prefix.Length == 0 ? $"s3://{Bucket}" : $"s3://{Bucket}/{Prefix.TrimEnd('/')}";

    /// <summary>Parses <c>s3://bucket</c> or <c>s3://bucket/prefix/…</c> (a trailing '/' is allowed).</summary>
    /// <exception cref="ArgumentException">The URI is not of that form; the message names what is wrong and how to write it.</exception>
    public static S3Root Parse(string uri)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        const string Form = "write it as s3://bucket/prefix, e.g. s3://my-bucket/oneoff";
        if (!uri.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{uri}' is not an S3 URI: {Form}.", nameof(uri));
        }

        var rest = uri[5..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? string.Empty : rest[(slash + 1)..];
        if (bucket.Length == 0)
        {
            throw new ArgumentException($"'{uri}' has no bucket name: {Form}.", nameof(uri));
        }

        if (!BucketPattern().IsMatch(bucket) || bucket.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"'{bucket}' in '{uri}' is not a valid S3 bucket name: use 3–63 lowercase letters, digits, '-' or '.', starting and ending with a letter or digit.",
                nameof(uri));
        }

        if (uri.Contains('?', StringComparison.Ordinal) || uri.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{uri}' has a query or fragment, which an S3 root cannot have: {Form}.", nameof(uri));
        }

        prefix = prefix.TrimEnd('/');
        if (prefix.Length > 0)
        {
            try
            {
                ObjectKeys.Validate(prefix);
            }
            catch (ArgumentException)
            {
                throw new ArgumentException($"The prefix '{prefix}' in '{uri}' has an empty, '.' or '..' segment or a '\\': {Form}.", nameof(uri));
            }

            prefix += "/";
        }

        return new S3Root(bucket, prefix);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex BucketPattern();
}
