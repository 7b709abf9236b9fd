using OneOff.Aws.Clients;
using OneOff.Core.Storage;

namespace OneOff.Aws.Storage;

/// <summary>Opens the <see cref="IObjectStore"/> a user names: a folder path, or <c>s3://bucket/prefix</c>.</summary>
public static class ObjectStores
{
    /// <summary>True when <paramref name="root"/> is an <c>s3://</c> URI.</summary>
    public static bool IsS3(string root) => root.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Opens the store at <paramref name="root"/>.</summary>
    /// <exception cref="ArgumentException">The root is not a usable folder path or S3 URI; the message says why.</exception>
    public static IObjectStore Open(string root) => Open(root, aws: null);

    /// <summary>
    /// Opens the store at <paramref name="root"/>; an <c>s3://bucket/prefix</c> root is an <see cref="S3ObjectStore"/>
    /// (see <see cref="S3ObjectStore.Open(S3Root, AwsClientOptions?)"/> for region, endpoint and credentials).
    /// </summary>
    /// <exception cref="ArgumentException">The root is not a usable folder path or S3 URI; the message says why.</exception>
    /// <exception cref="InvalidOperationException">An S3 root, but no AWS region can be found (the message says what to set).</exception>
    public static IObjectStore Open(string root, AwsClientOptions? aws)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        if (IsS3(root))
        {
            return S3ObjectStore.Open(S3Root.Parse(root), aws);
        }

        return new FolderObjectStore(root);
    }
}
