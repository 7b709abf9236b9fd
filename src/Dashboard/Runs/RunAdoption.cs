using System.Security.Claims;
using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Runs;

/// <summary>
/// Every published run in the store that has no record (a <c>oneoff-job sweep</c> run from the CLI into the same
/// root, or a database restored from an older backup) is adopted as Succeeded, started outside the dashboard
/// (ARCHITECTURE.md, "Runs and restarts"): at start after reconciliation, every <c>OneOff:Runs:AdoptionIntervalSeconds</c>
/// (<see cref="PeriodicRunAdoption"/>) and when an Operator asks (<see cref="LookForNewRunsAsync"/>). It reads the
/// store through <see cref="IObjectStore"/> only, so a bucket's prefix works as a folder does. A damaged manifest is
/// left alone and logged (once per run and process, however often the store is looked at).
/// </summary>
public sealed partial class RunAdoption(RunStore runs, IObjectStore store, UserStandings standings, ILogger<RunAdoption> logger) : IDisposable
{
    // One pass at a time: a pass that waited sees what the one before it adopted as known (the store's
    // AddIfAbsentAsync is what guarantees one record per run, whatever races it).
    private readonly SemaphoreSlim _passes = new(1, 1);
    private readonly HashSet<string> _damagedLogged = new(StringComparer.Ordinal);
    private int _passesEnded;

    /// <summary>How many passes have ended (adopting or failing): what a test waits on.</summary>
    internal int PassesEnded => Volatile.Read(ref _passesEnded);

    /// <summary>Adopts what needs adopting; returns the adopted run ids.</summary>
    public async Task<IReadOnlyList<string>> AdoptAsync(CancellationToken cancellationToken)
    {
        await _passes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await PassAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Increment(ref _passesEnded);
            _passes.Release();
        }
    }

    /// <summary>
    /// "Look for new runs": one pass for an Operator (checked against the user's standing in the store now, as
    /// <see cref="RunCommands"/> does), with its outcome in words. A store that cannot be listed is a message, not
    /// an exception.
    /// </summary>
    public async Task<AdoptionResult> LookForNewRunsAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var standing = await standings.FindAsync(user, cancellationToken).ConfigureAwait(false);
        if (standing is null)
        {
            LogRefused(user.Identity?.Name, "the session is no longer valid");
            return AdoptionResult.Refused(RunCommands.SessionEnded);
        }

        if (!standing.CanOperate)
        {
            LogRefused(standing.UserName, "not an Operator");
            return AdoptionResult.Refused("Only Operators can look for new runs.");
        }

        try
        {
            var adopted = await AdoptAsync(cancellationToken).ConfigureAwait(false);
            LogLookedFor(standing.UserName, adopted.Count);
            return new AdoptionResult(adopted, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            LogLookFailed(e, standing.UserName);
            return AdoptionResult.Refused("The run store cannot be read now, so no runs were looked for; try again later.");
        }
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

    public void Dispose() => _passes.Dispose();

    /// <summary>
    /// What the results say of a succeeded run whose manifest is gone (<see cref="Results.ResultsService"/>): the
    /// pass marks it in the list without anyone opening the run, and unmarks it when the manifest is back.
    /// </summary>
    internal static readonly string MissingManifest = Results.ResultsService.ManifestMissing.DamageSummary!;

    // The listing the pass made anyway shows which succeeded runs lost their manifest: the damage the list can
    // show without reading any file (unreadable Parquet is found when the run's results are read).
    private async Task MarkMissingManifestsAsync(IReadOnlyList<RunSnapshot> records, HashSet<string> manifests, CancellationToken cancellationToken)
    {
        foreach (var run in records.Where(r => r.State == RunState.Succeeded))
        {
            var missing = !manifests.Contains(run.Id);
            if (missing && run.OutputsDamaged is null)
            {
                LogManifestMissing(run.Id);
                await runs.UpdateAsync(run.Id, r => r.RecordOutputsDamage(MissingManifest), cancellationToken).ConfigureAwait(false);
            }
            else if (!missing && string.Equals(run.OutputsDamaged, MissingManifest, StringComparison.Ordinal))
            {
                await runs.UpdateAsync(run.Id, r => r.RecordOutputsDamage(null), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<IReadOnlyList<string>> PassAsync(CancellationToken cancellationToken)
    {
        var records = await runs.ListAsync(cancellationToken).ConfigureAwait(false);
        var known = records.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var manifests = new HashSet<string>(StringComparer.Ordinal);
        var progress = new StoreProgress(store);
        var adopted = new List<string>();
        await foreach (var key in store.ListAsync("runs/", cancellationToken).ConfigureAwait(false))
        {
            if (RunIdOfManifest(key) is not { } runId)
            {
                continue;
            }

            manifests.Add(runId);
            if (known.Contains(runId))
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
                if (_damagedLogged.Add(runId))
                {
                    LogDamaged(runId, e.Message);
                }

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

            // Null when a record appeared meanwhile (the dashboard's own run publishing, another pass): nothing twice.
            if (await runs.AddIfAbsentAsync(record, cancellationToken).ConfigureAwait(false) is not null)
            {
                LogAdopted(runId);
                adopted.Add(runId);
            }
        }

        await MarkMissingManifestsAsync(records, manifests, cancellationToken).ConfigureAwait(false);
        return adopted;
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Run {RunId} succeeded but its manifest is gone from the store: marked damaged")]
    private partial void LogManifestMissing(string runId);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Run {RunId} was published outside the dashboard: adopted as Succeeded")]
    private partial void LogAdopted(string runId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Run {RunId} has a manifest that cannot be read ({Problem}): not adopted")]
    private partial void LogDamaged(string runId, string problem);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Refused: {User} may not look for new runs ({Reason})")]
    private partial void LogRefused(string? user, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "{User} looked for runs published outside the dashboard: {Count} adopted")]
    private partial void LogLookedFor(string user, int count);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "{User} looked for runs published outside the dashboard, but the store could not be listed")]
    private partial void LogLookFailed(Exception e, string user);
}

/// <summary>The outcome of "Look for new runs": the adopted run ids, or why nothing was looked for.</summary>
public sealed record AdoptionResult(IReadOnlyList<string> Adopted, string? Refusal)
{
    public bool Succeeded => Refusal is null;

    /// <summary>What the page says: the refusal, "Found 2 runs published outside the dashboard" or "No new runs".</summary>
    public string Message => Refusal ?? Adopted.Count switch
    {
        0 => "No new runs.",
        1 => "Found 1 run published outside the dashboard.",
        var n => $"Found {n} runs published outside the dashboard.",
    };

    internal static AdoptionResult Refused(string refusal) => new([], refusal);
}
