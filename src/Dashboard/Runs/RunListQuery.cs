using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using OneOff.Core.Runs;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Runs;

/// <summary>What the run list can be sorted by.</summary>
public enum RunSort
{
    Created,
    Duration,
    BestN,
    State,
}

/// <summary>The run list's query string as typed (<c>/?state=failed&amp;by=alice&amp;sort=duration&amp;page=2</c>): text, unchecked.</summary>
public sealed record RunListArguments(
    string? State = null,
    string? By = null,
    string? Since = null,
    string? Until = null,
    string? Best = null,
    string? Sort = null,
    string? Dir = null,
    string? Page = null);

/// <summary>
/// One page of the run list: the filter (states, who started it, created since / until, best N from–to), the sort
/// and the page. Built by <see cref="Parse"/> from the query string, which says what it could not use; the database
/// query (<see cref="RunStore.PageAsync"/>) and the live updates (<see cref="Matches"/>, <see cref="Compare"/>)
/// read the same record.
/// </summary>
public sealed partial record RunListQuery
{
    /// <summary>Runs per page.</summary>
    public const int PageSize = 25;

    /// <summary>The longest "started by" the filter takes (a user name's length in the database).</summary>
    public const int MaxByLength = 256;

    /// <summary>The newest first, everything, page 1.</summary>
    public static RunListQuery Default { get; } = new();

    /// <summary>The lifecycle order the state sort uses: waiting, active, then ended.</summary>
    public static ImmutableArray<RunState> StateOrder { get; } =
        [RunState.Queued, RunState.Starting, RunState.Running, RunState.Cancelling, RunState.Succeeded, RunState.Failed, RunState.Cancelled];

    /// <summary>The states shown; empty for all.</summary>
    public ImmutableArray<RunState> States { get; init; } = [];

    /// <summary>Who started the runs shown (exact user name), or null for anyone.</summary>
    public string? By { get; init; }

    /// <summary>Runs created at or after this, or null. <see cref="SinceText"/> is how it was typed (kept in links).</summary>
    public DateTime? SinceUtc { get; init; }

    public string? SinceText { get; init; }

    /// <summary>Runs created before this (the end of the day typed), or null. <see cref="UntilText"/> is how it was typed.</summary>
    public DateTime? UntilUtc { get; init; }

    public string? UntilText { get; init; }

    /// <summary>Runs whose best N is at least this, or null.</summary>
    public int? BestMin { get; init; }

    /// <summary>Runs whose best N is at most this, or null.</summary>
    public int? BestMax { get; init; }

    public RunSort Sort { get; init; } = RunSort.Created;

    public bool Descending { get; init; } = true;

    /// <summary>The 1-based page asked for (the store clamps it to the last page).</summary>
    public int Page { get; init; } = 1;

    /// <summary>True when anything but the sort and the page narrows the list.</summary>
    public bool IsFiltered => States.Length > 0 || By is not null || SinceUtc is not null || UntilUtc is not null || BestMin is not null || BestMax is not null;

    /// <summary>True for the default order (newest first), where a new run goes on top of page 1.</summary>
    public bool IsNewestFirst => Sort == RunSort.Created && Descending;

    /// <summary>The best-N filter as typed back ("50", "30-100", "100-"), or null.</summary>
    public string? BestText => (BestMin, BestMax) switch
    {
        (null, null) => null,
        ({ } a, { } b) when a == b => Show(a),
        ({ } a, { } b) => $"{Show(a)}-{Show(b)}",
        ({ } a, null) => $"{Show(a)}-",
        (null, { } b) => $"1-{Show(b)}",
    };

    /// <summary>The query-string name of a sort.</summary>
    public static string SortName(RunSort sort) => sort switch
    {
        RunSort.Duration => "duration",
        RunSort.BestN => "best",
        RunSort.State => "state",
        _ => "created",
    };

    /// <summary>The direction a column sorts in when first clicked: the newest and the longest first, the smallest N and the waiting states first.</summary>
    public static bool DescendingByDefault(RunSort sort) => sort is RunSort.Created or RunSort.Duration;

    /// <summary>
    /// Reads the query string; a value that cannot be used is said in one line (at most 40 of its characters) and
    /// left out: the list then shows what it would without it. Never throws on any text.
    /// </summary>
    public static RunListRequest Parse(RunListArguments arguments, DateTime utcNow)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var notices = new List<string>();
        var query = new RunListQuery();

        if (Trimmed(arguments.State) is { } stateText)
        {
            var states = new List<RunState>();
            foreach (var part in stateText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Enum.TryParse<RunState>(part, ignoreCase: true, out var state) && Enum.IsDefined(state) && !char.IsAsciiDigit(part[0]))
                {
                    if (!states.Contains(state))
                    {
                        states.Add(state);
                    }
                }
                else
                {
                    notices.Add($"There is no state '{Echo(part)}' (one of {string.Join(", ", StateOrder)}): not filtered by it.");
                }
            }

            query = query with { States = [.. states] };
        }

        if (Trimmed(arguments.By) is { } by)
        {
            if (by.Length > MaxByLength)
            {
                notices.Add($"'{Echo(by)}' is too long for a user name: not filtered by who started the run.");
            }
            else
            {
                query = query with { By = by };
            }
        }

        if (Trimmed(arguments.Since) is { } since)
        {
            if (ParseSince(since, utcNow) is { } sinceUtc)
            {
                query = query with { SinceUtc = sinceUtc, SinceText = since };
            }
            else
            {
                notices.Add($"'{Echo(since)}' is not a date: write 2026-11-01, 2026-11-01 14:30 (UTC), or 24h, 7d for the last hours or days. Not filtered by it.");
            }
        }

        if (Trimmed(arguments.Until) is { } until)
        {
            if (ParseUntil(until) is { } untilUtc)
            {
                query = query with { UntilUtc = untilUtc, UntilText = until };
            }
            else
            {
                notices.Add($"'{Echo(until)}' is not a date: write 2026-11-30 (the whole day counts) or 2026-11-30 18:00 (UTC). Not filtered by it.");
            }
        }

        if (query is { SinceUtc: { } from, UntilUtc: { } to } && to <= from)
        {
            notices.Add("The dates end before they begin: no run can match.");
        }

        if (Trimmed(arguments.Best) is { } best)
        {
            if (ParseBest(best) is var (min, max))
            {
                query = query with { BestMin = min, BestMax = max };
            }
            else
            {
                notices.Add($"'{Echo(best)}' is not a best N: write 50, 30-100, or 100- (at least 100), each from 1 to 2000. Not filtered by it.");
            }
        }

        if (Trimmed(arguments.Sort) is { } sortText)
        {
            if (ParseSort(sortText) is { } sort)
            {
                query = query with { Sort = sort, Descending = DescendingByDefault(sort) };
            }
            else
            {
                notices.Add($"There is no sort '{Echo(sortText)}' (created, duration, best or state): the newest runs come first.");
            }
        }

        if (Trimmed(arguments.Dir) is { } dir)
        {
            if (string.Equals(dir, "asc", StringComparison.OrdinalIgnoreCase))
            {
                query = query with { Descending = false };
            }
            else if (string.Equals(dir, "desc", StringComparison.OrdinalIgnoreCase))
            {
                query = query with { Descending = true };
            }
            else
            {
                notices.Add($"There is no direction '{Echo(dir)}' (asc or desc): sorted {(query.Descending ? "descending" : "ascending")}.");
            }
        }

        if (Trimmed(arguments.Page) is { } pageText)
        {
            if (int.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page >= 1)
            {
                query = query with { Page = page };
            }
            else
            {
                notices.Add($"'{Echo(pageText)}' is not a page number: showing page 1.");
            }
        }

        return new RunListRequest(query, notices);
    }

    /// <summary>The query-string values of this query (null for a default, so that a link leaves it out); <c>page</c> is left to the caller.</summary>
    public IReadOnlyDictionary<string, object?> ToParameters() => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["state"] = States.Length == 0 ? null : string.Join(',', States.Select(s => s.ToString().ToLowerInvariant())),
        ["by"] = By,
        ["since"] = SinceText,
        ["until"] = UntilText,
        ["best"] = BestText,
        ["sort"] = Sort == RunSort.Created ? null : SortName(Sort),
        ["dir"] = Descending == DescendingByDefault(Sort) ? null : Descending ? "desc" : "asc",
        ["page"] = Page == 1 ? null : Page.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Value equality that compares the states by content and a date by how it was typed (a "since 7d" read again a
    /// moment later is the same query).
    /// </summary>
    public bool Equals(RunListQuery? other) =>
        other is not null
        && States.SequenceEqual(other.States)
        && string.Equals(By, other.By, StringComparison.Ordinal)
        && string.Equals(SinceText, other.SinceText, StringComparison.Ordinal)
        && string.Equals(UntilText, other.UntilText, StringComparison.Ordinal)
        && BestMin == other.BestMin && BestMax == other.BestMax
        && Sort == other.Sort && Descending == other.Descending && Page == other.Page;

    public override int GetHashCode() => HashCode.Combine(States.Length, By, SinceText, UntilText, BestMin, BestMax, Sort, HashCode.Combine(Descending, Page));

    /// <summary>True when <paramref name="run"/> passes the filter (what the database query's WHERE says).</summary>
    public bool Matches(RunSnapshot run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return (States.Length == 0 || States.Contains(run.State))
            && (By is null || string.Equals(run.CreatedBy, By, StringComparison.Ordinal))
            && (SinceUtc is not { } since || run.CreatedUtc >= since)
            && (UntilUtc is not { } until || run.CreatedUtc < until)
            && (BestMin is not { } min || run.BestNHidden >= min)
            && (BestMax is not { } max || run.BestNHidden <= max);
    }

    /// <summary>
    /// The list's order (what the database query's ORDER BY says): negative when <paramref name="a"/> comes before
    /// <paramref name="b"/>. Runs without the sorted value (not started, no best N) come last either way; ties go
    /// newest first, then by id.
    /// </summary>
    public int Compare(RunSnapshot a, RunSnapshot b, DateTime utcNow)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var order = Sort switch
        {
            RunSort.Duration => CompareMissingLast(a.Duration(utcNow), b.Duration(utcNow)),
            RunSort.BestN => CompareMissingLast(a.BestNHidden, b.BestNHidden),
            RunSort.State => Directed(StateOrder.IndexOf(a.State).CompareTo(StateOrder.IndexOf(b.State))),
            _ => Directed(a.CreatedUtc.CompareTo(b.CreatedUtc)),
        };
        if (order != 0)
        {
            return order;
        }

        order = b.CreatedUtc.CompareTo(a.CreatedUtc);
        return order != 0 ? order : string.CompareOrdinal(a.Id, b.Id);

        int CompareMissingLast<T>(T? x, T? y)
            where T : struct, IComparable<T> => (x, y) switch
            {
                (null, null) => 0,
                (null, _) => 1,
                (_, null) => -1,
                ({ } p, { } q) => Directed(p.CompareTo(q)),
            };

        int Directed(int c) => Descending ? -c : c;
    }

    private static RunSort? ParseSort(string text) => text.ToLowerInvariant() switch
    {
        "created" or "time" or "newest" => RunSort.Created,
        "duration" => RunSort.Duration,
        "best" or "bestn" or "best_n" or "best-n" => RunSort.BestN,
        "state" => RunSort.State,
        _ => null,
    };

    private static DateTime? ParseSince(string text, DateTime utcNow)
    {
        var relative = RelativePattern().Match(text);
        if (relative.Success)
        {
            if (!int.TryParse(relative.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > 36_500)
            {
                return null;
            }

            var span = char.ToLowerInvariant(relative.Groups[2].Value[0]) switch
            {
                'h' => TimeSpan.FromHours(count),
                'w' => TimeSpan.FromDays(7 * count),
                _ => TimeSpan.FromDays(count),
            };
            return utcNow - span;
        }

        return ParseDate(text) is var (date, _) ? date : null;
    }

    private static DateTime? ParseUntil(string text) =>
        ParseDate(text) is var (date, wholeDay) ? (wholeDay ? date.AddDays(1) : date) : null;

    private static (DateTime Utc, bool WholeDay)? ParseDate(string text)
    {
        string[] dayFormats = ["yyyy-MM-dd"];
        string[] timeFormats = ["yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mmZ"];
        const DateTimeStyles Utc = DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal;
        if (DateTime.TryParseExact(text, dayFormats, CultureInfo.InvariantCulture, Utc, out var day) && day.Year >= 2000)
        {
            return (day, true);
        }

        return DateTime.TryParseExact(text, timeFormats, CultureInfo.InvariantCulture, Utc, out var time) && time.Year >= 2000 ? (time, false) : null;
    }

    private static (int? Min, int? Max)? ParseBest(string text)
    {
        var match = BestPattern().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var min = Number(match.Groups[1].Value);
        int? max = match.Groups[2].Success ? (match.Groups[3].Value.Length == 0 ? null : Number(match.Groups[3].Value)) : min;
        if (min is not (>= 1 and <= 2000) || max is < 1 or > 2000 || (max is { } m && m < min))
        {
            return null;
        }

        return (min, max);

        static int? Number(string digits) =>
            int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Echo(string text) => RunParameterParser.Echo(text);

    private static string Show(int n) => n.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^([0-9]{1,6})\s*([hdwHDW])$")]
    private static partial Regex RelativePattern();

    [GeneratedRegex(@"^([0-9]{1,5})\s*(-\s*([0-9]{0,5}))?$")]
    private static partial Regex BestPattern();
}

/// <summary>A query read from the query string, and what could not be used of it (one line each).</summary>
public sealed record RunListRequest(RunListQuery Query, IReadOnlyList<string> Notices)
{
    /// <summary>The first page, newest first, nothing to say.</summary>
    public static RunListRequest Default { get; } = new(RunListQuery.Default, []);

    /// <summary>Value equality that compares the notices by content (a re-render with the same query string is no new request).</summary>
    public bool Equals(RunListRequest? other) =>
        other is not null && Query.Equals(other.Query) && Notices.SequenceEqual(other.Notices, StringComparer.Ordinal);

    public override int GetHashCode() => Query.GetHashCode();
}

/// <summary>One page of runs as the database returned it: <see cref="Page"/> is the page shown (clamped to the last one).</summary>
public sealed record RunListPage(IReadOnlyList<RunSnapshot> Runs, int Total, int Page, int PageCount);
