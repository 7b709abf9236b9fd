using OneOff.Core.Runs;
using OneOff.Core.Storage;

namespace OneOff.Core.Query;

/// <summary>What every engine reads of a run before it queries it: that it is published, and its sizes.</summary>
public static class PublishedRuns
{
    /// <summary>
    /// The run's hidden-layer sizes, ascending, from its <c>_manifest.json</c>: the values of every query's
    /// <see cref="QueryDefinition.SizeList"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The run id is not 1–64 characters of [a-z0-9-] starting with a letter or digit.</exception>
    /// <exception cref="RunNotPublishedException">The run has no manifest.</exception>
    /// <exception cref="InvalidDataException">The manifest is damaged or lists no model; the message names the run.</exception>
    public static async Task<int[]> SizesAsync(IObjectStore store, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        RunKeys.ThrowIfInvalidRunId(runId);
        byte[] json;
        try
        {
            json = await store.GetAsync(RunKeys.Manifest(runId), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            throw new RunNotPublishedException(runId);
        }

        RunManifest manifest;
        try
        {
            manifest = RunManifest.Parse(json);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"The manifest of run '{runId}' cannot be read: {e.Message}", e);
        }

        var sizes = manifest.Models.Select(m => m.NHidden).Distinct().Order().ToArray();
        return sizes.Length > 0
            ? sizes
            : throw new InvalidDataException($"The manifest of run '{runId}' lists no model, so the run has no results to query.");
    }
}
