using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Tests.Runs;

/// <summary>The run list's query string read into a <see cref="RunListQuery"/>: what it takes, and one clear line for what it cannot use.</summary>
public sealed class RunListQueryTests
{
    private static readonly DateTime s_now = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

    private static RunListRequest Parse(RunListArguments arguments) => RunListQuery.Parse(arguments, s_now);

    [Fact]
    public void Parse_Nothing_IsNewestFirstPageOneWithoutNotices()
    {
        var request = Parse(new RunListArguments());

        Assert.Equal(RunListQuery.Default, request.Query);
        Assert.True(request.Query.IsNewestFirst);
        Assert.False(request.Query.IsFiltered);
        Assert.Empty(request.Notices);
    }

    [Fact]
    public void Parse_EveryValue_IsTaken()
    {
        var request = Parse(new RunListArguments("failed,Cancelled", "alice", "2026-11-01", "2026-11-20", "30-100", "duration", "asc", "3"));
        var q = request.Query;

        Assert.Empty(request.Notices);
        Assert.Equal([RunState.Failed, RunState.Cancelled], q.States);
        Assert.Equal("alice", q.By);
        Assert.Equal(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), q.SinceUtc);
        Assert.Equal(new DateTime(2026, 11, 21, 0, 0, 0, DateTimeKind.Utc), q.UntilUtc);
        Assert.Equal((30, 100), (q.BestMin, q.BestMax));
        Assert.Equal(RunSort.Duration, q.Sort);
        Assert.False(q.Descending);
        Assert.Equal(3, q.Page);
        Assert.True(q.IsFiltered);
    }

    [Theory]
    [InlineData("24h", 24)]
    [InlineData("7d", 24 * 7)]
    [InlineData("2w", 24 * 14)]
    public void Parse_RelativeSince_CountsBackFromNow(string since, int hours)
    {
        var q = Parse(new RunListArguments(Since: since)).Query;

        Assert.Equal(s_now.AddHours(-hours), q.SinceUtc);
        Assert.Equal(since, q.SinceText);
    }

    [Theory]
    [InlineData("50", 50, 50)]
    [InlineData("100-", 100, null)]
    [InlineData(" 30 - 100 ", 30, 100)]
    public void Parse_BestN_IsOneValueOrARange(string best, int min, int? max)
    {
        var q = Parse(new RunListArguments(Best: best)).Query;

        Assert.Equal((min, max), (q.BestMin, q.BestMax));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    public void Parse_BadPage_SaysSoAndShowsPageOne(string page)
    {
        var request = Parse(new RunListArguments(Page: page));

        Assert.Equal(1, request.Query.Page);
        Assert.Equal($"'{page}' is not a page number: showing page 1.", Assert.Single(request.Notices));
    }

    [Fact]
    public void Parse_UnknownSortOrDirection_SaysSoAndFallsBack()
    {
        var sort = Parse(new RunListArguments(Sort: "nonsense"));
        var dir = Parse(new RunListArguments(Sort: "best", Dir: "sideways"));

        Assert.Equal(RunListQuery.Default, sort.Query);
        Assert.Equal("There is no sort 'nonsense' (created, duration, best or state): the newest runs come first.", Assert.Single(sort.Notices));
        Assert.Equal(RunSort.BestN, dir.Query.Sort);
        Assert.False(dir.Query.Descending);
        Assert.Equal("There is no direction 'sideways' (asc or desc): sorted ascending.", Assert.Single(dir.Notices));
    }

    [Theory]
    [InlineData("State", "running,bogus", "There is no state 'bogus'")]
    [InlineData("State", "3", "There is no state '3'")]
    [InlineData("Since", "yesterday", "'yesterday' is not a date")]
    [InlineData("Since", "2026-13-01", "'2026-13-01' is not a date")]
    [InlineData("Until", "7d", "'7d' is not a date")]
    [InlineData("Best", "0", "'0' is not a best N")]
    [InlineData("Best", "100-30", "'100-30' is not a best N")]
    [InlineData("Best", "2001", "'2001' is not a best N")]
    [InlineData("Best", "a lot", "'a lot' is not a best N")]
    public void Parse_BadFilter_SaysSoAndLeavesItOut(string name, string value, string start)
    {
        var arguments = name switch
        {
            "State" => new RunListArguments(State: value),
            "Since" => new RunListArguments(Since: value),
            "Until" => new RunListArguments(Until: value),
            _ => new RunListArguments(Best: value),
        };

        var request = Parse(arguments);

        Assert.StartsWith(start, Assert.Single(request.Notices), StringComparison.Ordinal);
        RunState[] states = name == "State" && value.Contains(',', StringComparison.Ordinal) ? [RunState.Running] : [];
        Assert.Equal(states, request.Query.States);
        Assert.Null(request.Query.SinceUtc);
        Assert.Null(request.Query.UntilUtc);
        Assert.Null(request.Query.BestMin);
    }

    [Fact]
    public void Parse_LongValue_IsEchoedShort()
    {
        var longText = new string('x', 5000);

        var request = Parse(new RunListArguments(longText, longText, longText, longText, longText, longText, longText, longText));

        Assert.Equal(8, request.Notices.Count);
        Assert.All(request.Notices, n => Assert.True(n.Length < 200, n));
        Assert.Equal(RunListQuery.Default, request.Query);
    }

    [Fact]
    public void Parse_DatesTheWrongWayRound_SaysNoRunCanMatch()
    {
        var request = Parse(new RunListArguments(Since: "2026-11-20", Until: "2026-11-01"));

        Assert.Equal("The dates end before they begin: no run can match.", Assert.Single(request.Notices));
    }

    [Fact]
    public void ToParameters_ParsedBack_IsTheSameQuery()
    {
        var q = Parse(new RunListArguments("failed,running", "bob", "7d", "2026-11-30 18:00", "100-", "state", "desc", "2")).Query;
        var p = q.ToParameters();

        var again = Parse(new RunListArguments((string?)p["state"], (string?)p["by"], (string?)p["since"], (string?)p["until"], (string?)p["best"], (string?)p["sort"], (string?)p["dir"], (string?)p["page"])).Query;

        Assert.Equal(q, again);
        Assert.All(RunListQuery.Default.ToParameters().Values, Assert.Null);
    }

    [Fact]
    public void Equals_SameQueryString_IsEqualEvenForARelativeDateReadLater()
    {
        var first = RunListQuery.Parse(new RunListArguments(Since: "24h"), s_now);
        var later = RunListQuery.Parse(new RunListArguments(Since: "24h"), s_now.AddMinutes(5));
        var other = RunListQuery.Parse(new RunListArguments(Since: "48h"), s_now);

        Assert.Equal(first, later);
        Assert.NotEqual(first, other);
    }
}
