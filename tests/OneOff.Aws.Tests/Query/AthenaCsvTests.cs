using System.Text;
using OneOff.Aws.Query;

namespace OneOff.Aws.Tests.Query;

public sealed class AthenaCsvTests
{
    [Fact]
    public async Task ReadAsync_AthenaResultFile_SkipsTheHeaderAndReadsQuotedValues()
    {
        // As Athena writes a SELECT's result: a header, every value double-quoted, NULL an empty unquoted field.
        const string csv = "\"n_hidden\",\"stop_reason\",\"loss\"\n\"5\",\"max_iter\",\"0.25\"\n\"30\",,\"1.0E-6\"\n";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));

        var rows = await AthenaCsv.ReadAsync(stream, TestContext.Current.CancellationToken);

        Assert.Equal(2, rows.Count);
        Assert.Equal(["5", "max_iter", "0.25"], rows[0]);
        Assert.Equal(["30", null, "1.0E-6"], rows[1]);
    }

    [Fact]
    public void Parse_QuotesCommasAndLineBreaksInsideAField_AreText()
    {
        var rows = AthenaCsv.Parse("\"a\",\"b\"\r\n\"say \"\"hi\"\", x\",\"two\nlines\"\r\n\"\",x\n");

        Assert.Equal(3, rows.Count);
        Assert.Equal(["say \"hi\", x", "two\nlines"], rows[1]);
        Assert.Equal(["", "x"], rows[2]);
    }

    [Fact]
    public void Parse_TrailingEmptyField_IsNull()
    {
        var rows = AthenaCsv.Parse("\"a\",\n\"b\",");

        Assert.Equal([["a", null], ["b", null]], rows);
    }

    [Fact]
    public void Parse_UnclosedQuote_ThrowsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => AthenaCsv.Parse("\"a\",\"b\n"));
    }
}
