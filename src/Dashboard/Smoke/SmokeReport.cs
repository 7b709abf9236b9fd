using System.Globalization;

namespace OneOff.Dashboard.Smoke;

/// <summary>What one item of the smoke run says.</summary>
internal enum SmokeVerdict
{
    /// <summary>Seen working on a real AWS account.</summary>
    Confirmed,

    /// <summary>Seen working on the stand-ins: the code path runs, which is all a stand-in can say.</summary>
    RanOnStandIn,

    /// <summary>Not checked where the smoke ran (a stand-in, an option not given, a part not in this build).</summary>
    NotCheckable,

    /// <summary>Checked and found wrong, or it could not be checked because something before it failed.</summary>
    NotConfirmed,
}

/// <summary>One line of the report: <c>name  verdict: detail</c>.</summary>
/// <param name="Name">The item's short id (<c>s3.prefix</c>, <c>job.end-to-end</c>, …).</param>
/// <param name="Verdict">The verdict.</param>
/// <param name="Detail">What was seen, or why not.</param>
internal sealed record SmokeItem(string Name, SmokeVerdict Verdict, string Detail)
{
    /// <summary>The width of the name column.</summary>
    private const int NameWidth = 26;

    /// <summary>The verdict's words, as the report prints them.</summary>
    public static string Words(SmokeVerdict verdict) => verdict switch
    {
        SmokeVerdict.Confirmed => "confirmed",
        SmokeVerdict.RanOnStandIn => "ran on the stand-in",
        SmokeVerdict.NotCheckable => "not checkable here",
        _ => "NOT confirmed",
    };

    /// <summary>The report line (one line: newlines in the detail become " | ").</summary>
    public string Line => $"{Name.PadRight(NameWidth)}{Words(Verdict)}: {OneLine(Detail)}";

    /// <summary>An item that was not checked for <paramref name="why"/>.</summary>
    public static SmokeItem NotCheckable(string name, string why) => new(name, SmokeVerdict.NotCheckable, why);

    /// <summary>An item found wrong.</summary>
    public static SmokeItem NotConfirmed(string name, string why) => new(name, SmokeVerdict.NotConfirmed, why);

    private static string OneLine(string text) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <summary>What a check saw: it passed (with what it saw) or it did not (with why).</summary>
/// <param name="Passed">Whether the check saw what it looks for.</param>
/// <param name="Detail">What it saw, or why it failed.</param>
internal sealed record SmokeObservation(bool Passed, string Detail)
{
    public static SmokeObservation Pass(string detail) => new(true, detail);

    public static SmokeObservation Fail(string why) => new(false, why);
}

/// <summary>Every item of one smoke run, its summary and its exit code.</summary>
internal sealed class SmokeReport
{
    private readonly List<SmokeItem> _items = [];

    public IReadOnlyList<SmokeItem> Items => _items;

    public void Add(SmokeItem item) => _items.Add(item);

    public void AddRange(IEnumerable<SmokeItem> items) => _items.AddRange(items);

    /// <summary>0 when nothing is <see cref="SmokeVerdict.NotConfirmed"/>, else 1.</summary>
    public int ExitCode => _items.Any(i => i.Verdict == SmokeVerdict.NotConfirmed) ? 1 : 0;

    /// <summary><c>Summary: 7 confirmed, 0 ran on the stand-in, 3 not checkable here, 0 NOT confirmed.</c></summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"Summary: {Count(SmokeVerdict.Confirmed)} confirmed, {Count(SmokeVerdict.RanOnStandIn)} ran on the stand-in, {Count(SmokeVerdict.NotCheckable)} not checkable here, {Count(SmokeVerdict.NotConfirmed)} NOT confirmed.");

    private int Count(SmokeVerdict verdict) => _items.Count(i => i.Verdict == verdict);
}

/// <summary>Durations as the report writes them: <c>4.2s</c>, <c>6m05s</c>, <c>1h02m</c>.</summary>
internal static class SmokeTime
{
    public static string Format(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalSeconds < 60
            ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.0}s")
            : span.TotalHours < 1
                ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m{span.Seconds:00}s")
                : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h{span.Minutes:00}m");
    }
}
