using OneOff.Core.Query;

namespace OneOff.Aws.Query;

/// <summary>
/// What each finished Athena query of a run spent: its statistics (<c>DataScannedInBytes</c>, <c>ReusedPreviousResult</c>)
/// and their price at the list price (<see cref="AthenaOptions.PricePerTerabyteScanned"/>), passed on to the
/// <see cref="IQueryUsageSink"/> (the dashboard adds it to the run's record, where it joins the cluster's cost) and to the
/// telemetry. Keeps nothing itself. Thread-safe.
/// </summary>
/// <remarks>
/// Billing (https://aws.amazon.com/athena/pricing/): bytes scanned are billed rounded up to the megabyte with a 10 MB
/// minimum per query; failed queries are not billed, cancelled ones are for what they scanned; a query answered from a
/// reused result scans nothing and is not billed (https://docs.aws.amazon.com/athena/latest/ug/reusing-query-results.html).
/// </remarks>
public sealed class AthenaUsage(IQueryUsageSink? sink = null, decimal pricePerTerabyte = AthenaOptions.DefaultPricePerTerabyteScanned)
{
    private const long Megabyte = 1L << 20;
    private const long MinimumBilledBytes = 10 * Megabyte;
    private const decimal Terabyte = 1L << 40;

    /// <summary>Adds one finished query of <paramref name="runId"/>.</summary>
    /// <param name="runId">The run it queried.</param>
    /// <param name="dataScannedBytes">Its <c>DataScannedInBytes</c>.</param>
    /// <param name="reusedPreviousResult">Its <c>ResultReuseInformation.ReusedPreviousResult</c>.</param>
    /// <param name="failed">It ended FAILED (not billed).</param>
    public void Record(string runId, long dataScannedBytes, bool reusedPreviousResult, bool failed = false)
    {
        ArgumentNullException.ThrowIfNull(runId);
        var bytes = Math.Max(0, dataScannedBytes);
        var usage = new QueryUsage(1, reusedPreviousResult ? 1 : 0, bytes, Price(bytes, reusedPreviousResult, failed, pricePerTerabyte));
        OneOff.Core.Telemetry.OneOffTelemetry.RecordAthenaBytesScanned(bytes, reusedPreviousResult);
        sink?.Record(runId, usage);
    }

    /// <summary>What one query costs: nothing when it failed or reused a result, else its bytes rounded up to the MB, at least 10 MB, at <paramref name="pricePerTerabyte"/>.</summary>
    public static decimal Price(long dataScannedBytes, bool reusedPreviousResult, bool failed, decimal pricePerTerabyte)
    {
        if (failed || (reusedPreviousResult && dataScannedBytes == 0))
        {
            return 0m;
        }

        var billed = Math.Max(MinimumBilledBytes, (Math.Max(0, dataScannedBytes) + Megabyte - 1) / Megabyte * Megabyte);
        return billed / Terabyte * pricePerTerabyte;
    }
}
