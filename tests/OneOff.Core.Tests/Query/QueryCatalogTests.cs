using System.Text.RegularExpressions;
using OneOff.Core.Query;

namespace OneOff.Core.Tests.Query;

public sealed partial class QueryCatalogTests
{
    public static TheoryData<string> Names => [.. QueryCatalog.All.Select(q => q.Name)];

    [Fact]
    public void All_EveryQuery_HasAUniqueName()
    {
        Assert.Equal(QueryCatalog.All.Count, QueryCatalog.All.Select(q => q.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Sql_EveryQuery_FiltersEveryTableReferenceByRunIdFirst(string name)
    {
        var query = QueryCatalog.All.Single(q => q.Name == name);

        var froms = FromClause().Matches(query.Sql);
        Assert.NotEmpty(froms);
        Assert.Equal(froms.Count, RunIdFilter().Matches(query.Sql).Count);
        Assert.All(froms, from => Assert.Contains(from.Groups[1].Value, query.Tables));
        Assert.StartsWith("SELECT", query.Sql, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Sql_EveryQuery_StaysInTheSubsetAthenaAndDuckDbShare(string name)
    {
        var sql = QueryCatalog.All.Single(q => q.Name == name).Sql;

        foreach (var banned in new[] { "::", "$", ":name", "*", "QUALIFY", "FILTER", "LIMIT", "OFFSET", "ILIKE", "read_parquet", "\"", ";" })
        {
            var withoutCount = sql.Replace("COUNT(*)", "COUNT", StringComparison.Ordinal);
            Assert.DoesNotContain(banned, withoutCount, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void ParameterCount_CountsThePositionalParameters()
    {
        Assert.Equal(2, QueryCatalog.TrainingData.ParameterCount);
        Assert.Equal(2, QueryCatalog.ClassFractions.ParameterCount);
        Assert.Equal(2, QueryCatalog.DecisionSurface.ParameterCount);
        Assert.Equal(2, QueryCatalog.Metrics.ParameterCount);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Sql_EveryPartitionedTable_IsFilteredByTheSizeList(string name)
    {
        var query = QueryCatalog.All.Single(q => q.Name == name);
        var partitioned = query.Tables.Count(QueryCatalog.PartitionedTables.Contains);

        Assert.Equal(partitioned, CountOf(query.Sql, QueryDefinition.SizeList));
        Assert.DoesNotContain("n_hidden =", query.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_SizeList_WritesOneParameterPerSizeInOrder()
    {
        var command = QueryCatalog.Metrics.Bind("run-1", new[] { 5, 30, 600 });

        Assert.Contains("WHERE run_id = ? AND n_hidden IN (?, ?, ?)", command.Sql, StringComparison.Ordinal);
        Assert.Equal(new object[] { "run-1", 5, 30, 600 }, command.Parameters);
        Assert.Equal(command.Parameters.Count, command.Sql.Count(c => c == '?'));
    }

    [Fact]
    public void Bind_OneSize_KeepsTheListForm()
    {
        var command = QueryCatalog.DecisionSurface.Bind("run-1", new[] { 30 });

        Assert.Contains("n_hidden IN (?)", command.Sql, StringComparison.Ordinal);
        Assert.Equal(new object[] { "run-1", 30 }, command.Parameters);
    }

    [Fact]
    public void Bind_QueryWithoutSizes_KeepsTheSqlAsWritten()
    {
        var command = QueryCatalog.TrainingData.Bind("run-1", 0.5);

        Assert.Equal(QueryCatalog.TrainingData.Sql, command.Sql);
        Assert.Equal(new object[] { "run-1", 0.5 }, command.Parameters);
    }

    [Fact]
    public void Bind_QuestionMarkInsideQuotes_IsNotAParameter()
    {
        var query = new QueryDefinition("quoted", "SELECT 'why?' AS q FROM metrics WHERE run_id = ? AND n_hidden IN (?)", ["metrics"]);

        var command = query.Bind("run-1", new[] { 1, 2 });

        Assert.Equal("SELECT 'why?' AS q FROM metrics WHERE run_id = ? AND n_hidden IN (?, ?)", command.Sql);
        Assert.Equal(3, command.Parameters.Count);
    }

    [Fact]
    public void Bind_WrongValues_ThrowNamingTheQuery()
    {
        Assert.Contains("takes 2 values, not 1", Assert.Throws<ArgumentException>(() => QueryCatalog.Metrics.Bind("run-1")).Message, StringComparison.Ordinal);
        Assert.Contains("list", Assert.Throws<ArgumentException>(() => QueryCatalog.Metrics.Bind("run-1", 30)).Message, StringComparison.Ordinal);
        Assert.Contains("at least one size", Assert.Throws<ArgumentException>(() => QueryCatalog.Metrics.Bind("run-1", Array.Empty<int>())).Message, StringComparison.Ordinal);
        Assert.Contains("not the one of", Assert.Throws<ArgumentException>(() => QueryCatalog.TrainingData.Bind(new[] { 1 }, 0.5)).Message, StringComparison.Ordinal);
        Assert.Contains("metrics", Assert.Throws<ArgumentException>(() => QueryCatalog.Metrics.Bind(DateTime.MinValue, new[] { 1 })).Message, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [GeneratedRegex(@"\bFROM\s+(\w+)", RegexOptions.CultureInvariant)]
    private static partial Regex FromClause();

    [GeneratedRegex(@"\bWHERE\s+run_id\s*=\s*\?", RegexOptions.CultureInvariant)]
    private static partial Regex RunIdFilter();
}
