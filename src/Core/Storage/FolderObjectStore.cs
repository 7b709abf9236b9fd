using System.Runtime.CompilerServices;

namespace OneOff.Core.Storage;

/// <summary>
/// An <see cref="IObjectStore"/> over a local folder: key <c>a/b/c</c> is the file <c>{root}/a/b/c</c>.
/// Writes go to a hidden temporary file in the same folder and are renamed into place, so a reader
/// (or a crash) never sees half an object.
/// </summary>
public sealed class FolderObjectStore : IObjectStore
{
    private const string TempPrefix = ".oneoff-tmp-";
    private readonly string _root;

    /// <summary>Creates a store rooted at <paramref name="root"/> (created when first written).</summary>
    public FolderObjectStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _root = Path.GetFullPath(root);
    }

    /// <inheritdoc />
    public string Root => _root;

    /// <summary>The local path of a key (for engines that read files directly, such as DuckDB).</summary>
    public string PathOf(string key)
    {
        ObjectKeys.Validate(key, allowEmpty: true);
        return key.Length == 0 ? _root : Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    /// <inheritdoc />
    public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        WriteAtomicallyAsync(key, (file, ct) => file.WriteAsync(content, ct).AsTask(), cancellationToken);

    /// <inheritdoc />
    public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return WriteAtomicallyAsync(key, content.CopyToAsync, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKeys.Validate(key);
        try
        {
            return await File.ReadAllBytesAsync(PathOf(key), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(_root, key);
        }
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKeys.Validate(key);
        try
        {
            return Task.FromResult<Stream>(new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(_root, key);
        }
    }

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKeys.Validate(key);
        return Task.FromResult(File.Exists(PathOf(key)));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var key in ListKeys(prefix))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<long> SizeOfPrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var bytes = 0L;
        foreach (var key in ListKeys(prefix))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                bytes += new FileInfo(PathOf(key)).Length;
            }
            catch (FileNotFoundException)
            {
                // Deleted since it was listed: it takes no space any more.
            }
        }

        return Task.FromResult(bytes);
    }

    /// <inheritdoc />
    public Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var deleted = 0;
        foreach (var key in ListKeys(prefix))
        {
            cancellationToken.ThrowIfCancellationRequested();
            File.Delete(PathOf(key));
            deleted++;
        }

        RemoveEmptyFolders(StartFolder(prefix));
        return Task.FromResult(deleted);
    }

    private async Task WriteAtomicallyAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var path = PrepareWrite(key, out var temp);
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await write(file, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private string PrepareWrite(string key, out string temp)
    {
        ObjectKeys.Validate(key);
        if (key.EndsWith('/'))
        {
            throw new ArgumentException($"Object key '{key}' names a folder, not an object.", nameof(key));
        }

        var path = PathOf(key);
        var folder = Path.GetDirectoryName(path) ?? _root;
        Directory.CreateDirectory(folder);
        temp = Path.Combine(folder, TempPrefix + Guid.NewGuid().ToString("N"));
        return path;
    }

    private string StartFolder(string prefix)
    {
        var slash = prefix.LastIndexOf('/');
        return slash < 0 ? _root : PathOf(prefix[..slash]);
    }

    private List<string> ListKeys(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ObjectKeys.Validate(prefix, allowEmpty: true);
        var start = StartFolder(prefix);
        var keys = new List<string>();
        if (!Directory.Exists(start))
        {
            return keys;
        }

        foreach (var file in Directory.EnumerateFiles(start, "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(file).StartsWith(TempPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var key = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                keys.Add(key);
            }
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    private void RemoveEmptyFolders(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var child in Directory.EnumerateDirectories(folder))
        {
            RemoveEmptyFolders(child);
        }

        if (!string.Equals(folder, _root, StringComparison.Ordinal) && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Directory.Delete(folder);
        }
    }
}
