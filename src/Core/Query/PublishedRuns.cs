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

        string problem;
        try
        {
            var sizes = RunManifest.Parse(json).Models.Select(m => m.NHidden).Distinct().Order().ToArray();
            if (sizes.Length > 0)
            {
                return sizes;
            }

            problem = "it lists no model";
        }
        catch (InvalidDataException e)
        {
            problem = $"it cannot be read: {e.Message}";
        }

        // A damaged manifest hides only what it holds (the run page says so): the sizes are the partitions the job
        // wrote (n_hidden=N folders of grid/, metrics/, loss/), so every other part of the run can still be shown.
        var written = await WrittenSizesAsync(store, runId, cancellationToken).ConfigureAwait(false);
        return written.Length > 0
            ? written
            : throw new InvalidDataException($"The manifest of run '{runId}' {problem}, and the run has no n_hidden partitions, so it has no results to query.");
    }

    private static async Task<int[]> WrittenSizesAsync(IObjectStore store, string runId, CancellationToken cancellationToken)
    {
        const string Partition = "n_hidden=";
        var sizes = new SortedSet<int>();
        foreach (var table in new[] { "grid", "metrics", "loss" })
        {
            await foreach (var key in store.ListAsync($"{RunKeys.Run(runId)}{table}/", cancellationToken).ConfigureAwait(false))
            {
                foreach (var segment in key.Split('/'))
                {
                    if (segment.StartsWith(Partition, StringComparison.Ordinal)
                        && int.TryParse(segment.AsSpan(Partition.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
                    {
                        sizes.Add(n);
                    }
                }
            }
        }

        return [.. sizes];
    }
}
