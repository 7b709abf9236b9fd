using OneOff.Aws.Query;
using OneOff.Core.Query;

namespace OneOff.Aws.Tests.Query;

/// <summary>Athena's billing rules (https://aws.amazon.com/athena/pricing/) as the run's cost figure applies them.</summary>
public sealed class AthenaUsageTests
{
    private const long Mb = 1L << 20;

    [Theory]
    [InlineData(0L, false, false, 10L)] // a query that scanned nothing still pays the 10 MB minimum
    [InlineData(4096L, false, false, 10L)]
    [InlineData(10 * Mb, false, false, 10L)]
    [InlineData(10 * Mb + 1, false, false, 11L)] // rounded up to the next megabyte
    [InlineData(3 * Mb, true, false, 10L)] // a reuse that did scan (never seen, but billed as a query)
    [InlineData(0L, true, false, 0L)] // a reused result is not billed
    [InlineData(50 * Mb, false, true, 0L)] // a failed query is not billed
    public void Price_AppliesTheMinimumTheRoundingAndTheFreeCases(long scanned, bool reused, bool failed, long billedMegabytes)
    {
        var price = AthenaUsage.Price(scanned, reused, failed, pricePerTerabyte: 5m);

        Assert.Equal(billedMegabytes * Mb / (decimal)(1L << 40) * 5m, price);
    }

    [Fact]
    public void Record_PassesEachQueryToTheSink_PricedAtTheConfiguredRate()
    {
        var sink = new RecordingUsageSink();
        var usage = new AthenaUsage(sink, pricePerTerabyte: 6.25m);

        usage.Record("run-a", 1L << 40, reusedPreviousResult: false);
        usage.Record("run-a", 0, reusedPreviousResult: true);
        usage.Record("run-b", -5, reusedPreviousResult: false, failed: true);

        Assert.Equal(new QueryUsage(2, 1, 1L << 40, 6.25m), sink.ForRun("run-a"));
        Assert.Equal(new QueryUsage(1, 0, 0, 0m), sink.ForRun("run-b"));
    }
}
