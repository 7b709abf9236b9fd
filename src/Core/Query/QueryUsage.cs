namespace OneOff.Core.Query;

/// <summary>What a query engine spent on one run: queries, how many reused an earlier result, bytes scanned, and their price.</summary>
/// <param name="Queries">Queries that reached a final state (succeeded, failed or cancelled).</param>
/// <param name="ReusedResults">Of those, the ones answered from an earlier result (Athena's <c>ReusedPreviousResult</c>).</param>
/// <param name="ScannedBytes">The sum of the bytes they scanned (Athena's <c>DataScannedInBytes</c>).</param>
/// <param name="Dollars">What they cost at the configured list price, billing rules applied (0 for an engine that costs nothing).</param>
public sealed record QueryUsage(long Queries, long ReusedResults, long ScannedBytes, decimal Dollars)
{
    /// <summary>No query yet.</summary>
    public static QueryUsage None { get; } = new(0, 0, 0, 0m);

    /// <summary>This and <paramref name="other"/> together.</summary>
    public QueryUsage Add(QueryUsage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Queries + other.Queries, ReusedResults + other.ReusedResults, ScannedBytes + other.ScannedBytes, Dollars + other.Dollars);
    }
}

/// <summary>
/// Where a query engine reports what each finished query of a run spent (the dashboard adds it to the run's record,
/// beside the cluster's cost). Called on the query's path: an implementation returns at once and never throws.
/// </summary>
public interface IQueryUsageSink
{
    /// <summary>Adds <paramref name="usage"/> (one finished query) to <paramref name="runId"/>'s tally.</summary>
    void Record(string runId, QueryUsage usage);
}
