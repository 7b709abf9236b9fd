using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Runs;

/// <summary>
/// At start, after reconciliation: every published run in the store that has no record (a <c>oneoff-job sweep</c> run
/// from the CLI into the same root, or a database restored from an older backup) is adopted as Succeeded, started
/// outside the dashboard (ARCHITECTURE.md, "Runs and restarts"). A damaged manifest is left alone and logged.
/// </summary>
public sealed partial class RunAdoption(RunStore runs, IObjectStore store, ILogger<RunAdoption> logger)
{
    /// <summary>Adopts what needs adopting; returns the adopted run ids.</summary>
    public async Task<IReadOnlyList<string>> AdoptAsync(CancellationToken cancellationToken)
    {
        var known = (await runs.ListAsync(cancellationToken).ConfigureAwait(false)).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var progress = new StoreProgress(store);
        var adopted = new List<string>();
        await foreach (var key in store.ListAsync("runs/", cancellationToken).ConfigureAwait(false))
        {
            if (RunIdOfManifest(key) is not { } runId || known.Contains(runId))
            {
                continue;
            }

            RunManifest? manifest;
            try
            {
                manifest = await progress.ReadManifestAsync(runId, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                LogDamaged(runId, e.Message);
                continue;
            }

            if (manifest is null || manifest.RunId != runId)
            {
                continue;
            }

            var record = RunRecord.Adopt(
                runId,
                manifest.CreatedUtc.UtcDateTime,
                RunSnapshot.ToStored(manifest.Parameters.ToRunParameters()),
                RunSnapshot.ToStored(manifest.Models.Select(SizeProgress.Finished)),
                manifest.BestNHidden);
            if (await runs.AddIfAbsentAsync(record, cancellationToken).ConfigureAwait(false) is not null)
            {
                LogAdopted(runId);
                adopted.Add(runId);
            }
        }

        return adopted;
    }

    /// <summary>The run id of a <c>runs/{runId}/_manifest.json</c> key, or null for any other key.</summary>
    internal static string? RunIdOfManifest(string key)
    {
        const string Prefix = "runs/";
        const string Suffix = "/_manifest.json";
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || !key.EndsWith(Suffix, StringComparison.Ordinal) || key.Length <= Prefix.Length + Suffix.Length)
        {
            return null;
        }

        var runId = key[Prefix.Length..^Suffix.Length];
        return RunKeys.IsValidRunId(runId) ? runId : null;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Run {RunId} was published outside the dashboard: adopted as Succeeded")]
    private partial void LogAdopted(string runId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Run {RunId} has a manifest that cannot be read ({Problem}): not adopted")]
    private partial void LogDamaged(string runId, string problem);
}
