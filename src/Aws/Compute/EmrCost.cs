using OneOff.Aws.Clients;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Clients.Emr.Models;
using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Core.Telemetry;

namespace OneOff.Aws.Compute;

/// <summary>One instance group's share of an estimate.</summary>
/// <param name="Role">The group's role.</param>
/// <param name="InstanceType">EC2 type.</param>
/// <param name="Count">Instances.</param>
/// <param name="PerHour">EC2 + EMR list price per instance-hour, USD.</param>
/// <param name="Dollars">The group's cost over the estimated duration, USD.</param>
public sealed record EmrCostLine(EmrInstanceRole Role, string InstanceType, int Count, decimal PerHour, decimal Dollars);

/// <summary>What a run on EMR should cost before it starts.</summary>
/// <param name="Dollars">USD, from list prices.</param>
/// <param name="Duration">The expected time from RunJobFlow to the cluster's end.</param>
/// <param name="Lines">Per instance group.</param>
public sealed record EmrCostEstimate(decimal Dollars, TimeSpan Duration, IReadOnlyList<EmrCostLine> Lines)
{
    /// <summary>The figure as the form shows it: <c>$0.12 (estimated from list prices)</c>.</summary>
    public override string ToString() => EmrCost.Describe(Dollars);
}

/// <summary>How long one instance of a cluster ran (<c>ListInstances</c> timeline).</summary>
/// <param name="InstanceType">EC2 type.</param>
/// <param name="Start">When EMR created it.</param>
/// <param name="End">When it ended; null while it runs.</param>
public sealed record EmrInstanceUsage(string InstanceType, DateTimeOffset Start, DateTimeOffset? End);

/// <summary>What a run on EMR cost, from its instances' timelines.</summary>
/// <param name="Dollars">USD, from list prices.</param>
/// <param name="InstanceTime">Billed instance time (each instance at least a minute).</param>
/// <param name="UnpricedInstanceTypes">Types with no configured price (not counted), sorted.</param>
public sealed record EmrCostFigure(decimal Dollars, TimeSpan InstanceTime, IReadOnlyList<string> UnpricedInstanceTypes)
{
    /// <summary>The figure as the run page shows it: <c>$0.12 (estimated from list prices)</c>.</summary>
    public override string ToString() => EmrCost.Describe(Dollars);
}

/// <summary>
/// The cost of a run on EMR (ARCHITECTURE.md, "The EMR path" item 8 and "One work model"): before launch, instance
/// counts × (EC2 + EMR hourly list prices, <c>OneOff:Aws:Emr:Prices</c>) × the expected duration from
/// <see cref="WorkModel"/>; after the run, from <c>ListInstances</c> timelines. Both are labelled
/// <see cref="Label"/>. EMR and EC2 bill per second with a one-minute minimum (aws.amazon.com/emr/pricing; the EMR
/// FAQ, "Billing": per-second for each instance type, one-minute minimum, from the cluster's request to its end).
/// </summary>
public static class EmrCost
{
    /// <summary>What every cost figure is labelled with.</summary>
    public const string Label = JobCost.Label;

    /// <summary>The least time an instance is billed for.</summary>
    public static readonly TimeSpan MinimumBilled = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A node's speed until runs on EMR calibrate it: this machine's measured rate (<see cref="WorkRate.Local"/>,
    /// a 2-core node; an m7g.xlarge has 4 vCPUs, so this errs high), and 10 minutes of fixed cost for provisioning,
    /// bootstrap, the steps' start-up and termination (aws-protocols.md §7: "roughly 7–15 minutes from RunJobFlow to
    /// the first step running", an inference there, not a measurement).
    /// </summary>
    public static WorkRate DefaultRate { get; } = new(WorkRate.Local.UnitsPerSecond, TimeSpan.FromMinutes(10));

    /// <summary>
    /// The estimate for <paramref name="parameters"/>: the driver runs one task per hidden size, largest first, on
    /// the worker nodes (core + task; the primary node when there are none), one task per node at a time at
    /// <paramref name="rate"/>, so the fits take as long as the most loaded node's share of
    /// <see cref="WorkModel.SizeWork"/>; the duration is that plus the rate's fixed cost, and every instance is billed
    /// for all of it (at least a minute).
    /// </summary>
    /// <param name="options">Validated EMR options (every configured instance type has a price).</param>
    /// <param name="parameters">Validated run parameters.</param>
    /// <param name="rate">One node's speed and the cluster's fixed cost (e.g. <see cref="DefaultRate"/>).</param>
    /// <exception cref="InvalidOperationException">An instance type has no price (the options were not validated).</exception>
    public static EmrCostEstimate Estimate(EmrOptions options, RunParameters parameters, WorkRate rate)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(rate);
        var workers = Math.Max(1, options.CoreInstanceCount + options.TaskInstanceCount);
        var loads = new long[workers];
        foreach (var n in parameters.HiddenSizes.OrderDescending())
        {
            var least = Array.IndexOf(loads, loads.Min());
            loads[least] += WorkModel.SizeWork(parameters, n);
        }

        var duration = rate.Duration(loads.Max());
        var billedHours = (decimal)Max(duration, MinimumBilled).TotalHours;
        var lines = options.InstanceGroups.Select(g =>
        {
            var perHour = PriceOf(options.Prices, g.InstanceType)?.PerHour
                ?? throw new InvalidOperationException($"{EmrOptions.SectionName}:Prices has no price for {g.InstanceType}.");
            return new EmrCostLine(g.Role, g.InstanceType, g.Count, perHour, g.Count * perHour * billedHours);
        }).ToList();
        return new EmrCostEstimate(lines.Sum(l => l.Dollars), duration, lines);
    }

    /// <summary>
    /// The cost of the instances that ran: each for its own time (to <paramref name="now"/> while it still runs), per
    /// second with a one-minute minimum, at its type's EC2 + EMR list price. Types without a price are left out and
    /// named.
    /// </summary>
    /// <param name="instances">The cluster's instances.</param>
    /// <param name="prices">Prices per instance type (<see cref="EmrOptions.Prices"/>).</param>
    /// <param name="now">The time an instance that has not ended is counted to.</param>
    public static EmrCostFigure FromTimelines(IEnumerable<EmrInstanceUsage> instances, IReadOnlyDictionary<string, EmrInstancePrice> prices, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(instances);
        ArgumentNullException.ThrowIfNull(prices);
        var dollars = 0m;
        var time = TimeSpan.Zero;
        var unpriced = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var instance in instances)
        {
            var ran = (instance.End ?? now) - instance.Start;
            var billed = Max(TimeSpan.FromSeconds(Math.Ceiling(Math.Max(0, ran.TotalSeconds))), MinimumBilled);
            if (PriceOf(prices, instance.InstanceType) is not { } price)
            {
                unpriced.Add(instance.InstanceType);
                continue;
            }

            time += billed;
            dollars += price.PerHour * (decimal)billed.TotalSeconds / 3600m;
        }

        return new EmrCostFigure(dollars, time, [.. unpriced]);
    }

    /// <summary>A figure for people: <c>$1.23 (estimated from list prices)</c>; below a cent, <c>under $0.01 (…)</c>.</summary>
    public static string Describe(decimal dollars) => JobCost.Describe(dollars);

    /// <summary>
    /// What a cluster's instances cost (<c>ListInstances</c>, every page, through <see cref="FromTimelines"/>), or null
    /// when EMR lists none with a timeline or cannot be asked now: a cost figure never fails a run.
    /// </summary>
    internal static async Task<JobCost?> MeasureAsync(
        EmrClient emr, string clusterId, IReadOnlyDictionary<string, EmrInstancePrice> prices, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var instances = new List<Instance>();
            await foreach (var instance in emr.ListAllInstancesAsync(new ListInstancesRequest { ClusterId = clusterId }, cancellationToken).ConfigureAwait(false))
            {
                instances.Add(instance);
            }

            var usage = Usage(instances);
            foreach (var type in usage.GroupBy(u => u.InstanceType, StringComparer.Ordinal))
            {
                OneOffTelemetry.RecordClusterMinutes(FromTimelines(type, prices, now).InstanceTime, type.Key);
            }

            return usage.Count == 0 ? null : new JobCost(FromTimelines(usage, prices, now).Dollars);
        }
        catch (Exception e) when (e is AwsServiceException or HttpRequestException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>The usage of the instances <c>ListInstances</c> returned (those without a type or creation time are skipped).</summary>
    internal static IReadOnlyList<EmrInstanceUsage> Usage(IEnumerable<Instance> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        var usage = new List<EmrInstanceUsage>();
        foreach (var instance in instances)
        {
            if (instance is { InstanceType: { Length: > 0 } type, Status.Timeline.CreationDateTime: { } created })
            {
                usage.Add(new EmrInstanceUsage(type, created, instance.Status?.Timeline?.EndDateTime));
            }
        }

        return usage;
    }

    private static EmrInstancePrice? PriceOf(IReadOnlyDictionary<string, EmrInstancePrice> prices, string instanceType) =>
        prices.TryGetValue(instanceType, out var price) ? price
        : prices.FirstOrDefault(p => string.Equals(p.Key, instanceType, StringComparison.OrdinalIgnoreCase)).Value;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a >= b ? a : b;
}
