using System.IO.Compression;
using OneOff.Core.Runs;
using OneOff.Core.Storage;

namespace OneOff.Dashboard.Export;

/// <summary>
/// A zip of every object under a run's prefix, written as it is read: one object at a time, each streamed from the
/// store (<see cref="IObjectStore.OpenReadAsync"/>) into its entry with asynchronous writes, so neither the zip nor
/// (from a store that streams) an object is held in memory.
/// </summary>
public static class RunZip
{
    /// <summary>
    /// Writes the zip to <paramref name="output"/> (which may be non-seekable and refuse synchronous writes, as a
    /// response body does): entries <c>{runId}/…</c> as under the run's folder (<c>{runId}/train/part-0.parquet</c>,
    /// <c>{runId}/_manifest.json</c>), dated <paramref name="stamp"/>. Only keys under the run's own prefix are listed.
    /// </summary>
    /// <returns>How many objects were written.</returns>
    /// <exception cref="ArgumentException"><paramref name="runId"/> is not a run id.</exception>
    public static async Task<int> WriteAsync(IObjectStore store, string runId, DateTimeOffset stamp, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(output);
        var prefix = RunKeys.Run(runId);
        var count = 0;
        var body = new AsyncOnlyWriteStream(output);
        await using (body.ConfigureAwait(false))
        {
            var zip = await ZipArchive.CreateAsync(body, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken).ConfigureAwait(false);
            await using (zip.ConfigureAwait(false))
            {
                await foreach (var key in store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
                {
                    var relative = key[prefix.Length..];
                    // Parquet pages are compressed already: storing them costs nothing and saves the CPU.
                    var level = relative.EndsWith(".parquet", StringComparison.Ordinal) ? CompressionLevel.NoCompression : CompressionLevel.Optimal;
                    var entry = zip.CreateEntry(runId + "/" + relative, level);
                    entry.LastWriteTime = stamp;
                    var source = await store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
                    await using (source.ConfigureAwait(false))
                    {
                        var target = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
                        await using (target.ConfigureAwait(false))
                        {
                            await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
                        }
                    }

                    count++;
                }
            }

            await body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return count;
    }
}
