using System.Collections.Concurrent;

namespace OneOff.Aws.Query;

/// <summary>What Athena did for one run since the process started: queries, how many reused an earlier result, bytes scanned.</summary>
/// <param name="Queries">Queries that reached a final state (succeeded, failed or cancelled).</param>
/// <param name="ReusedResults">Of those, the ones Athena answered from an earlier result (<c>ReusedPreviousResult</c>).</param>
/// <param name="DataScannedBytes">The sum of their <c>DataScannedInBytes</c> (what Athena bills).</param>
public sealed record AthenaRunUsage(long Queries, long ReusedResults, long DataScannedBytes)
{
    /// <summary>No query yet.</summary>
    public static AthenaRunUsage None { get; } = new(0, 0, 0);
}

/// <summary>
/// The per-run tally of Athena's statistics (<c>DataScannedInBytes</c>, <c>ReusedPreviousResult</c>) that the
/// dashboard reads for a run's cost figure. In memory: a restart starts from zero (the run record keeps the figure
/// it was given). Thread-safe.
/// </summary>
public sealed class AthenaUsage
{
    private readonly ConcurrentDictionary<string, AthenaRunUsage> _runs = new(StringComparer.Ordinal);

    /// <summary>The tally of <paramref name="runId"/> (<see cref="AthenaRunUsage.None"/> before its first query).</summary>
    public AthenaRunUsage ForRun(string runId)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return _runs.TryGetValue(runId, out var usage) ? usage : AthenaRunUsage.None;
    }

    /// <summary>Adds one finished query of <paramref name="runId"/>.</summary>
    public void Record(string runId, long dataScannedBytes, bool reusedPreviousResult)
    {
        ArgumentNullException.ThrowIfNull(runId);
        _runs.AddOrUpdate(
            runId,
            static (_, arg) => new AthenaRunUsage(1, arg.Reused ? 1 : 0, arg.Bytes),
            static (_, old, arg) => new AthenaRunUsage(old.Queries + 1, old.ReusedResults + (arg.Reused ? 1 : 0), old.DataScannedBytes + arg.Bytes),
            (Bytes: Math.Max(0, dataScannedBytes), Reused: reusedPreviousResult));
        OneOff.Core.Telemetry.OneOffTelemetry.RecordAthenaBytesScanned(Math.Max(0, dataScannedBytes), reusedPreviousResult);
    }

    /// <summary>Forgets <paramref name="runId"/> (its run was deleted).</summary>
    public void Forget(string runId) => _runs.TryRemove(runId, out _);
}
