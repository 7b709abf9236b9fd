using OneOff.Core.Storage;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Runs;

/// <summary>The few outputs of a run the coordinator reads: the manifest, and one size's small metrics file.</summary>
internal static class RunOutputs
{
    /// <summary>The manifest of <paramref name="runId"/>; null when the run is not published.</summary>
    /// <exception cref="InvalidDataException">The manifest exists but cannot be read.</exception>
    public static async Task<RunManifest?> ReadManifestAsync(IObjectStore store, string runId, CancellationToken cancellationToken)
    {
        try
        {
            return RunManifest.Parse(await store.GetAsync(RunKeys.Manifest(runId), cancellationToken).ConfigureAwait(false));
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The metrics of one trained size (from its <c>metrics/n_hidden=N</c> partition), or null when unreadable.</summary>
    public static async Task<ModelMetrics?> ReadMetricsAsync(IObjectStore store, string runId, int nHidden, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await store.GetAsync(RunKeys.Metrics(runId, nHidden), cancellationToken).ConfigureAwait(false);
            return await MetricsTable.ReadAsync(bytes, nHidden, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ObjectNotFoundException or InvalidDataException or IOException)
        {
            return null;
        }
    }
}
