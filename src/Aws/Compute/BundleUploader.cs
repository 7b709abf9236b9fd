using System.Text;
using Microsoft.Extensions.Logging;
using OneOff.Core.Storage;

namespace OneOff.Aws.Compute;

/// <summary>Where a bundle lives in the store, and what this upload did.</summary>
/// <param name="Prefix">The bundle's key prefix in the store: <c>artifacts/{contentHash}/</c>.</param>
/// <param name="Uri">The same prefix as the bootstrap action takes it: <c>{store root}/artifacts/{contentHash}/</c>.</param>
/// <param name="UploadedArtifacts">How many artifacts this call uploaded (0 when the bundle was already complete).</param>
public sealed record BundleLocation(string Prefix, string Uri, int UploadedArtifacts);

/// <summary>
/// Uploads a <see cref="JobBundle"/> once per content: to <c>artifacts/{contentHash}/</c> of the deployment's store,
/// every artifact first and the <c>_complete</c> marker (the bundle's <see cref="JobBundle.Checksums"/>) last, so a
/// cluster never starts from half a bundle. A complete bundle is not uploaded again; a prefix without its marker (an
/// upload cut short) is uploaded again whole.
/// </summary>
public sealed partial class BundleUploader(IObjectStore store, ILogger<BundleUploader> logger)
{
    /// <summary>The marker written after every artifact.</summary>
    public const string CompleteMarker = "_complete";

    /// <summary>The key prefix of a bundle: <c>artifacts/{contentHash}/</c>.</summary>
    public static string PrefixOf(string contentHash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contentHash);
        return $"artifacts/{contentHash}/";
    }

    /// <summary>Makes sure the bundle is complete in the store, uploading what is needed.</summary>
    /// <exception cref="IOException">An artifact file cannot be read.</exception>
    public async Task<BundleLocation> UploadAsync(JobBundle bundle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var prefix = PrefixOf(bundle.ContentHash);
        var location = $"{store.Root.TrimEnd('/')}/{prefix}";
        var marker = Encoding.UTF8.GetBytes(bundle.Checksums);
        if (await IsCompleteAsync(prefix + CompleteMarker, marker, cancellationToken).ConfigureAwait(false))
        {
            LogAlreadyComplete(logger, bundle.ContentHash, location);
            return new BundleLocation(prefix, location, 0);
        }

        foreach (var artifact in bundle.Artifacts)
        {
            await using var file = File.OpenRead(artifact.Path);
            await store.PutAsync(prefix + artifact.Name, file, cancellationToken).ConfigureAwait(false);
            LogUploaded(logger, artifact.Name, artifact.Length, location);
        }

        await store.PutAsync(prefix + CompleteMarker, marker, cancellationToken).ConfigureAwait(false);
        LogCompleted(logger, bundle.ContentHash, bundle.Artifacts.Count, location);
        return new BundleLocation(prefix, location, bundle.Artifacts.Count);
    }

    /// <summary>A marker counts only when it lists exactly these checksums (its name is their hash, but a torn or foreign write is redone).</summary>
    private async Task<bool> IsCompleteAsync(string key, byte[] expected, CancellationToken cancellationToken)
    {
        if (!await store.ExistsAsync(key, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            return (await store.GetAsync(key, cancellationToken).ConfigureAwait(false)).AsSpan().SequenceEqual(expected);
        }
        catch (ObjectNotFoundException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Job bundle {ContentHash} is already complete at {Location}; nothing uploaded")]
    private static partial void LogAlreadyComplete(ILogger logger, string contentHash, string location);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Uploaded {Artifact} ({Bytes} bytes) to {Location}")]
    private static partial void LogUploaded(ILogger logger, string artifact, long bytes, string location);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Job bundle {ContentHash} complete at {Location} ({Count} artifacts, marker written last)")]
    private static partial void LogCompleted(ILogger logger, string contentHash, int count, string location);
}
