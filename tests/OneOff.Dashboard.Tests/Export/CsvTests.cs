using System.Globalization;
using OneOff.Core.Query;
using OneOff.Core.Runs;
using OneOff.Dashboard.Export;

namespace OneOff.Dashboard.Tests.Export;

/// <summary>RFC 4180 quoting and invariant numbers, whatever the server's culture.</summary>
public sealed class CsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData("lf\nonly", "\"lf\nonly\"")]
    [InlineData("", "")]
    public void Escape_QuotesOnlyWhatMustBeQuoted(string field, string expected) => Assert.Equal(expected, Csv.Escape(field));

    [Fact]
    public void Line_EscapesEveryFieldAndEndsWithCrLf()
    {
        var line = Csv.Line(["a", "b,c", "\"d\""]);

        Assert.Equal("a,\"b,c\",\"\"\"d\"\"\"\r\n", line);
        Assert.Equal([["a", "b,c", "\"d\""]], CsvParser.Parse(line));
    }

    [Fact]
    public async Task WriteAsync_GermanCulture_WritesInvariantRoundTripNumbers()
    {
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var metrics = new RunMetrics([new ModelMetrics(30, 0.8965, 1.0 / 3, 0.943, 100, 0.2310000001, 1234.5, StopReason.MaxIter), new ModelMetrics(40, 0.9, 0.9, 0.9, 10, 0.2, 0.1)]);
            using var text = new StringWriter(CultureInfo.InvariantCulture);

            await Csv.WriteAsync(ChartTables.Of(metrics), text, TestContext.Current.CancellationToken);

            var rows = CsvParser.Parse(text.ToString());
            Assert.Equal(["30", "0.8965", (1.0 / 3).ToString("R", CultureInfo.InvariantCulture), "0.943", "100", "0.2310000001", "1234.5", "max_iter"], rows[1]);
            Assert.Equal("", rows[2][^1]);
            Assert.Equal(1.0 / 3, double.Parse(rows[1][2], CultureInfo.InvariantCulture));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Of_Surface_IsRowMajorWithEachCellsCentre()
    {
        var surface = new DecisionSurface(7, [-1f, 1f], [-2f, 0f, 2f], [0, 1, 2, 0, 1, 2], [.9f, .1f, .1f, .8f, .1f, .1f], [.05f, .8f, .1f, .1f, .7f, .1f], [.05f, .1f, .8f, .1f, .2f, .8f]);

        var table = ChartTables.Of(surface);
        var rows = table.Rows.ToList();

        Assert.Equal(6, table.RowCount);
        Assert.Equal(table.RowCount, rows.Count);
        Assert.Equal(["7", "1", "0", "X", "0.8", "0.1", "0.1"], rows[3]);
        Assert.Equal(["7", "-1", "2", "O", "0.1", "0.7", "0.2"], rows[4]);
    }

    [Fact]
    public void Of_LossCurves_CountsEveryIterationOfEveryCurve()
    {
        var table = ChartTables.Of(new LossCurves([new LossCurve(3, [1, 2, 3], [0.9, 0.5, 0.4]), new LossCurve(5, [1], [0.7])]));

        Assert.Equal(4, table.RowCount);
        Assert.Equal(["5", "1", "0.7"], table.Rows.Last());
        Assert.Equal([RunTables.NHiddenColumn, RunSchemas.Iteration.Name, RunSchemas.Loss.Name], table.Header);
    }
}
