using System.Collections.Immutable;
using OneOff.Core.Runs;
using OneOff.Core.Storage;

namespace OneOff.Core.Compute;

/// <summary>
/// A run's progress as its outputs in the object store show it, for a runner that follows a job it does not read
/// events from (a re-attached local process, an EMR cluster): which sizes are trained (their
/// <c>metrics/n_hidden=N</c> partition exists; the job writes it last of a size's outputs), their metrics from that
/// small file, and whether <c>_manifest.json</c> exists (the run is published).
/// </summary>
/// <param name="store">Where the run's outputs are.</param>
public sealed class StoreProgress(IObjectStore store)
{
    private readonly IObjectStore _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <summary>
    /// Scans the run once: the trained sizes not in <paramref name="known"/> (by ascending N, each with its metrics,
    /// null when its metrics file cannot be read), and whether the manifest exists.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="known">Sizes already reported, whose metrics are not read again; null or empty for all.</param>
    /// <param name="cancellationToken">Stops the scan.</param>
    /// <exception cref="ArgumentException"><paramref name="runId"/> is not a valid run id.</exception>
    public async Task<StoredProgress> ScanAsync(string runId, IReadOnlySet<int>? known = null, CancellationToken cancellationToken = default)
    {
        RunKeys.ThrowIfInvalidRunId(runId);
        // The manifest first: it is written last, so when it is there every size's metrics are too. Looked for after
        // the listing, a job finishing during the scan was reported published with its last sizes missing (measured:
        // a re-attached local job's JobPublished came before its last JobModelDone).
        var published = await _store.ExistsAsync(RunKeys.Manifest(runId), cancellationToken).ConfigureAwait(false);
        var sizes = new SortedSet<int>();
        await foreach (var key in _store.ListAsync(RunKeys.MetricsPrefix(runId), cancellationToken).ConfigureAwait(false))
        {
            if (RunKeys.NHiddenOf(key) is { } n && known?.Contains(n) != true)
            {
                sizes.Add(n);
            }
        }

        var models = ImmutableArray.CreateBuilder<JobModelDone>(sizes.Count);
        foreach (var n in sizes)
        {
            models.Add(new JobModelDone(n, await ReadMetricsAsync(runId, n, cancellationToken).ConfigureAwait(false)));
        }

        return new StoredProgress(models.MoveToImmutable(), published);
    }

    /// <summary>The metrics of one trained size, from its <c>metrics/n_hidden=N</c> file; null when it is missing or unreadable.</summary>
    /// <exception cref="ArgumentException"><paramref name="runId"/> is not a valid run id.</exception>
    public async Task<ModelMetrics?> ReadMetricsAsync(string runId, int nHidden, CancellationToken cancellationToken = default)
    {
        try
        {
            var bytes = await _store.GetAsync(RunKeys.Metrics(runId, nHidden), cancellationToken).ConfigureAwait(false);
            return await MetricsTable.ReadAsync(bytes, nHidden, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ObjectNotFoundException or InvalidDataException or IOException)
        {
            return null;
        }
    }

    /// <summary>The run's manifest; null when the run is not published.</summary>
    /// <exception cref="ArgumentException"><paramref name="runId"/> is not a valid run id.</exception>
    /// <exception cref="InvalidDataException">The manifest exists but cannot be read; the message says why.</exception>
    public async Task<RunManifest?> ReadManifestAsync(string runId, CancellationToken cancellationToken = default)
    {
        byte[] bytes;
        try
        {
            bytes = await _store.GetAsync(RunKeys.Manifest(runId), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }

        return RunManifest.Parse(bytes);
    }
}

/// <summary>What one <see cref="StoreProgress.ScanAsync"/> found.</summary>
/// <param name="Models">The trained sizes found (not already known), by ascending N.</param>
/// <param name="Published">True when <c>_manifest.json</c> exists.</param>
public sealed record StoredProgress(ImmutableArray<JobModelDone> Models, bool Published);
