using System.Globalization;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Model;

/// <summary>How runs read on the pages: times, durations, numbers, state colours.</summary>
public static class RunFormat
{
    private static readonly CultureInfo s_culture = CultureInfo.InvariantCulture;

    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm", s_culture) + " UTC";

    /// <summary>A cost without its label (<c>$0.12</c>, <c>under $0.01</c>); pages put <see cref="OneOff.Core.Compute.JobCost.Label"/> beside it.</summary>
    public static string Cost(decimal dollars) => OneOff.Core.Compute.JobCost.Amount(dollars);

    /// <summary>
    /// What a run's cost figure is made of, for its tooltip: "Cluster $0.12 (its instances, billed per second, at
    /// OneOff:Aws:Emr:Prices) + Athena under $0.01 (22 queries, 20 of them answered from reused results, 1.2 MB
    /// scanned, at OneOff:Aws:Athena:PricePerTerabyteScanned)"; null when the run has no cost figure.
    /// </summary>
    public static string? CostBreakdown(RunSnapshot run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var parts = new List<string>(2);
        if (run.CostDollars is { } cluster)
        {
            parts.Add($"Cluster {Cost(cluster)} (its instances, each billed per second with a one-minute minimum, at OneOff:Aws:Emr:Prices)");
        }

        if (run.Queries is { } q)
        {
            parts.Add($"Athena {Cost(q.Dollars)} ({QueryUsage(q)}, at OneOff:Aws:Athena:PricePerTerabyteScanned)");
        }

        return parts.Count == 0 ? null : string.Join(" + ", parts);
    }

    /// <summary>A run's queries in words: "22 queries, 20 of them answered from reused results, 1.2 MB scanned".</summary>
    public static string QueryUsage(OneOff.Core.Query.QueryUsage usage) => $"{QueryCounts(usage)}, {RunLimits.Bytes(usage.ScannedBytes)} scanned";

    /// <summary>How many queries, and how many of them reused a result: "22 queries, 20 of them answered from reused results".</summary>
    public static string QueryCounts(OneOff.Core.Query.QueryUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var queries = usage.Queries == 1 ? "1 query" : string.Create(s_culture, $"{usage.Queries} queries");
        var reused = usage.ReusedResults switch
        {
            0 => "",
            _ when usage.ReusedResults == usage.Queries => usage.Queries == 1 ? ", answered from a reused result" : ", all answered from reused results",
            _ => string.Create(s_culture, $", {usage.ReusedResults} of them answered from reused results"),
        };
        return queries + reused;
    }

    public static string Duration(TimeSpan? duration)
    {
        if (duration is not { } d)
        {
            return "—";
        }

        if (d < TimeSpan.Zero)
        {
            d = TimeSpan.Zero;
        }

        return d.TotalHours >= 1
            ? string.Create(s_culture, $"{(int)d.TotalHours} h {d.Minutes:00} min")
            : d.TotalMinutes >= 1 ? string.Create(s_culture, $"{d.Minutes} min {d.Seconds:00} s") : string.Create(s_culture, $"{d.TotalSeconds:0.0} s");
    }

    public static string StateClass(RunState state) => "state-" + state.ToString().ToLowerInvariant();

    public static string Number(double? value, string format = "0.000") =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, s_culture) : "—";

    public static string Percent(double? value) =>
        value is { } v && double.IsFinite(v) ? (v * 100).ToString("0.0", s_culture) + " %" : "—";

    /// <summary>Percentage of the iteration budget used by one size (100 when done).</summary>
    public static int ProgressPercent(SizeProgress size, int maxIter)
    {
        ArgumentNullException.ThrowIfNull(size);
        if (size.Done)
        {
            return 100;
        }

        return maxIter <= 0 ? 0 : Math.Clamp(size.Iteration * 100 / maxIter, 0, 99);
    }

    /// <summary>The hidden sizes the run list spells out before it shortens the list (first four, "…", the last, the count).</summary>
    public const int SummarySizes = 6;

    /// <summary>The longest failure reason the run list shows on its line (the whole text goes in a tooltip).</summary>
    public const int ReasonLength = 90;

    // The run list's names of the parameters, in the order it shows them: the sizes first, then the table's order.
    private static readonly (RunParameter Parameter, string Name)[] s_summaryNames =
    [
        (RunParameterTable.HiddenSizes, "N"),
        (RunParameterTable.TrainSize, "train"),
        (RunParameterTable.TestSize, "test"),
        (RunParameterTable.DataSeed, "data seed"),
        (RunParameterTable.ModelSeed, "model seed"),
        (RunParameterTable.Jitter, "jitter"),
        (RunParameterTable.MaxIter, "iter"),
        (RunParameterTable.Tol, "tol"),
        (RunParameterTable.XHalfWidth, "X half-width"),
        (RunParameterTable.Radius, "O radius"),
        (RunParameterTable.BoxHalfWidth, "box half-width"),
    ];

    private static readonly RunParameters s_defaults = new();

    /// <summary>
    /// Every parameter that differs from its default (<see cref="RunParameterTable"/>), in one short line for the run
    /// list: "N 5,30,100 · train 2 000 · data seed 7 · jitter 0.2 · tol 1e-5"; a long list of sizes is shortened
    /// (<see cref="SummaryTitle"/> has it in full). Empty when every parameter is its default.
    /// </summary>
    public static string Summary(RunParameters p) => string.Join(" · ", Differences(p, full: false));

    /// <summary>Like <see cref="Summary"/> with every size spelled out (the run list's tooltip); "All defaults" when nothing differs.</summary>
    public static string SummaryTitle(RunParameters p)
    {
        var parts = Differences(p, full: true);
        return parts.Count == 0 ? "All defaults" : string.Join(" · ", parts);
    }

    /// <summary>A whole number grouped by thousands with a narrow no-break space ("1 000 000").</summary>
    public static string Count(long n) => n.ToString("#,0", s_culture).Replace(',', '\u202F');

    /// <summary>
    /// A failure reason on one line of the run list: its first non-empty line, cut at <see cref="ReasonLength"/>
    /// characters with "…" (and "…" when more lines follow); null for none.
    /// </summary>
    public static string? ReasonLine(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return null;
        }

        var lines = reason.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var first = lines.Length == 0 ? reason.Trim() : lines[0];
        if (first.Length > ReasonLength)
        {
            return string.Concat(first.AsSpan(0, ReasonLength - 1).TrimEnd(), "…");
        }

        return lines.Length > 1 ? first + " …" : first;
    }

    private static List<string> Differences(RunParameters p, bool full)
    {
        ArgumentNullException.ThrowIfNull(p);
        var parts = new List<string>();
        foreach (var (parameter, name) in s_summaryNames)
        {
            var value = Value(parameter, p);
            if (string.Equals(value, Value(parameter, s_defaults), StringComparison.Ordinal))
            {
                continue;
            }

            var shown = parameter.Key switch
            {
                "hidden_sizes" => Sizes(p.HiddenSizes, full),
                "train_size" => Count(p.TrainSize),
                "test_size" => Count(p.TestSize),
                "max_iter" => Count(p.MaxIter),
                _ => value,
            };
            parts.Add($"{name} {shown}");
        }

        return parts;
    }

    private static string Sizes(IReadOnlyList<int> sizes, bool full) =>
        full || sizes.Count <= SummarySizes
            ? string.Join(',', sizes.Select(n => n.ToString(s_culture)))
            : string.Join(',', sizes.Take(4).Select(n => n.ToString(s_culture))) + ",…," + sizes[^1].ToString(s_culture)
              + string.Create(s_culture, $" ({sizes.Count} sizes)");

    /// <summary>A parameter's value as a user types it (1e-6 rather than 1E-06).</summary>
    public static string Value(RunParameter parameter, RunParameters p)
    {
        var text = RunParameterParser.Format(parameter, p);
        if (text.StartsWith('-') && double.TryParse(text, NumberStyles.Float, s_culture, out var number) && number == 0)
        {
            // A jitter typed as -0 is zero: no sign.
            text = text[1..];
        }

        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }

        var exponent = text[(e + 1)..];
        var sign = exponent.StartsWith('-') ? "-" : "";
        return $"{text[..e]}e{sign}{exponent.TrimStart('+', '-').TrimStart('0')}";
    }

    /// <summary>
    /// A parameter's value in pieces that may be wrapped between (a list of sizes wraps after a comma, never inside
    /// a number): the page puts a line-break opportunity after each piece.
    /// </summary>
    public static IReadOnlyList<string> ValueParts(RunParameter parameter, RunParameters p)
    {
        var text = Value(parameter, p);
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ',')
            {
                parts.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }
}
