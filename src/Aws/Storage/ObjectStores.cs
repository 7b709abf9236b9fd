namespace OneOff.Aws.Storage;

/// <summary>Opens the <see cref="IObjectStore"/> a user names: a folder path, or <c>s3://bucket/prefix</c>.</summary>
public static class ObjectStores
{
    /// <summary>True when <paramref name="root"/> is an <c>s3://</c> URI.</summary>
    public static bool IsS3(string root) => root.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Opens the store at <paramref name="root"/>.</summary>
    /// <exception cref="ArgumentException">The root is not a usable folder path or S3 URI; the message says why.</exception>
    public static IObjectStore Open(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        if (IsS3(root))
        {
            throw new NotSupportedException("S3 roots arrive with S3ObjectStore (issue 5).");
        }

        return new LocalObjectStore(root);
    }
}
