using OneOff.Aws.Query;
using OneOff.Core.Query;

namespace OneOff.Aws.Tests.Query;

public sealed class AthenaSqlTests
{
    [Theory]
    [InlineData("20240102-030405-abcd", "'20240102-030405-abcd'")]
    [InlineData("it's", "'it''s'")]
    [InlineData("", "''")]
    public void Literal_String_IsSingleQuotedWithQuotesDoubled(string value, string expected)
    {
        Assert.Equal(expected, AthenaSql.Literal(value));
    }

    [Theory]
    [InlineData(30, "30")]
    [InlineData(-7, "-7")]
    [InlineData(2000, "2000")]
    public void Literal_Int_IsInvariantDigits(int value, string expected)
    {
        Assert.Equal(expected, AthenaSql.Literal(value));
    }

    [Theory]
    [InlineData(0.5, "0.5E0")]
    [InlineData(1.0, "1.0E0")]
    [InlineData(1e-6, "1.0E-06")]
    [InlineData(0.1, "0.1E0")]
    [InlineData(123456789.125, "123456789.125E0")]
    [InlineData(2.5e300, "2.5E+300")]
    public void Literal_Double_IsATrinoDoubleLiteral(double value, string expected)
    {
        var literal = AthenaSql.Literal(value);

        Assert.Equal(expected, literal);
        // A Trino DOUBLE literal has an exponent (without one, 0.5 is a DECIMAL), and reads back to the same value.
        Assert.Contains('E', literal);
        Assert.Equal(value, double.Parse(literal, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Literal_DoubleLiteral_IsCultureInvariant()
    {
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Equal("0.25E0", AthenaSql.Literal(0.25));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Literal_NonFiniteDouble_Throws(double value)
    {
        Assert.Throws<ArgumentException>(() => AthenaSql.Literal(value));
    }

    [Fact]
    public void Literal_OtherType_Throws()
    {
        Assert.Throws<ArgumentException>(() => AthenaSql.Literal(DateTime.MinValue));
    }

    [Fact]
    public void Render_Parameters_KeepsTheSqlAndSendsOneLiteralPerQuestionMark()
    {
        var command = QueryCatalog.Metrics.Bind("run-1", new[] { 5, 30 });

        var (sql, parameters) = AthenaSql.Render(command, inlineValues: false);

        Assert.Equal(command.Sql, sql);
        Assert.Equal(["'run-1'", "5", "30"], parameters);
    }

    [Fact]
    public void Render_InlineValues_WritesTheRunIdAndSizesAndKeepsTheFractionAParameter()
    {
        var (sql, parameters) = AthenaSql.Render(QueryCatalog.TrainingData.Bind("run-1", 0.5), inlineValues: true);
        var (surfaces, none) = AthenaSql.Render(QueryCatalog.AllSurfaces.Bind("run-1", new[] { 5, 30 }), inlineValues: true);

        Assert.Contains("WHERE run_id = 'run-1' AND ran_num < ?", sql, StringComparison.Ordinal);
        Assert.Equal(["0.5E0"], parameters);
        Assert.Contains("WHERE run_id = 'run-1' AND n_hidden IN (5, 30)", surfaces, StringComparison.Ordinal);
        Assert.Empty(none);
    }

    [Fact]
    public void Render_InlineValues_NeverInlinesAStringThatIsNotARunId()
    {
        var query = new QueryDefinition("odd", "SELECT x FROM grid WHERE run_id = ? AND class_pred = ? AND n_hidden IN (?)", ["grid"]);

        var (sql, parameters) = AthenaSql.Render(query.Bind("run-1", "X' OR '1'='1", new[] { 3 }), inlineValues: true);

        Assert.Equal("SELECT x FROM grid WHERE run_id = 'run-1' AND class_pred = ? AND n_hidden IN (3)", sql);
        Assert.Equal(["'X'' OR ''1''=''1'"], parameters);
    }
}
