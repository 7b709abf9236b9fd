namespace OneOff.Core.Storage;

/// <summary>
/// A flat store of immutable objects addressed by '/'-separated keys relative to the store's root:
/// a local folder (<see cref="FolderObjectStore"/>) or an S3 bucket and prefix.
/// Keys never start with '/', never contain "..", and use '/' on every platform.
/// </summary>
public interface IObjectStore
{
    /// <summary>The root as a user would write it: a folder path, or <c>s3://bucket/prefix</c>.</summary>
    string Root { get; }

    /// <summary>
    /// Writes <paramref name="content"/> as the object <paramref name="key"/>, replacing any object of that key.
    /// The object becomes visible whole or not at all (a local store writes a temporary file and renames it).
    /// </summary>
    Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>Writes the stream's remaining bytes as the object <paramref name="key"/>, atomically as <see cref="PutAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/>.</summary>
    Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Reads a whole object.</summary>
    /// <exception cref="ObjectNotFoundException">No object has that key.</exception>
    Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Whether an object with exactly this key exists.</summary>
    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Every key that starts with <paramref name="prefix"/>, in ordinal order, all pages.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>The total size in bytes of every object whose key starts with <paramref name="prefix"/> (0 when there is none).</summary>
    Task<long> SizeOfPrefixAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes every object whose key starts with <paramref name="prefix"/>; returns how many were deleted.</summary>
    Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens an object for reading, for copying it on (an export) without holding it whole. The default reads the
    /// whole object (<see cref="GetAsync"/>); a store that can stream (a local file) overrides it. The caller disposes
    /// the stream.
    /// </summary>
    /// <exception cref="ObjectNotFoundException">No object has that key.</exception>
    async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
        new MemoryStream(await GetAsync(key, cancellationToken).ConfigureAwait(false), writable: false);
}

/// <summary>Thrown when an object that must exist does not.</summary>
public sealed class ObjectNotFoundException(string root, string key)
    : Exception($"No object '{key}' under {root}.")
{
    /// <summary>The key that was asked for.</summary>
    public string Key { get; } = key;
}
