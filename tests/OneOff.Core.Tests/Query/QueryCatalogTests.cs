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
        Assert.Equal(1, QueryCatalog.Metrics.ParameterCount);
    }

    [GeneratedRegex(@"\bFROM\s+(\w+)", RegexOptions.CultureInvariant)]
    private static partial Regex FromClause();

    [GeneratedRegex(@"\bWHERE\s+run_id\s*=\s*\?", RegexOptions.CultureInvariant)]
    private static partial Regex RunIdFilter();
}
