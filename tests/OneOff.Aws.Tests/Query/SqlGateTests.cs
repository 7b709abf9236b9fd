using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OneOff.Aws.Query;
using OneOff.Aws.Storage;
using OneOff.Core.Query;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Query;

/// <summary>
/// The SQL gate: every catalog query, as written and as both engines render it (parameters; Athena's InlineValues
/// literals), goes through the Trino grammar of npm dt-sql-parser (Debian's sqlglot 10.6 accepted <c>::</c>,
/// <c>read_parquet</c>, <c>QUALIFY</c> and <c>ILIKE</c> as Trino, so it is no dialect gate) and through structural
/// rules: <c>?</c> only inside WHERE and never inside quotes; every table reference filtered by <c>run_id = ?</c>
/// and, for the partitioned tables, <c>n_hidden IN (…)</c>; no <c>SELECT *</c>; no subquery or join. The Athena DDL
/// goes through the Hive grammar. Known-bad statements are run through the same checks, so the gate is seen to fail.
/// </summary>
public sealed partial class SqlGateTests
{
    private static readonly S3Root s_root = new("bucket", "oneoff/");
    private static readonly int[] s_sizes = [5, 30, 200];

    /// <summary>Every form of every catalog query the engines send, named for the failure message.</summary>
    public static IEnumerable<(string Name, QueryDefinition Query, string Sql)> CatalogForms()
    {
        foreach (var query in QueryCatalog.All)
        {
            var command = query.Bind(SampleValues(query));
            yield return ($"{query.Name} as written", query, query.Sql);
            yield return ($"{query.Name} with parameters (DuckDB, Athena)", query, AthenaSql.Render(command, inlineValues: false).Sql);
            yield return ($"{query.Name} with InlineValues (Athena)", query, AthenaSql.Render(command, inlineValues: true).Sql);
        }
    }

    [Fact]
    public async Task CatalogQueries_EveryForm_ParseAsTrinoAndNameOnlyTheirTables()
    {
        var forms = CatalogForms().ToList();

        var results = await ParseAsync(forms.Select(f => ("trino", f.Sql)).ToList());

        Assert.All(forms.Zip(results), pair =>
        {
            var ((name, query, sql), (errors, tables)) = pair;
            Assert.True(errors.Count == 0, $"{name} is not Trino: {string.Join("; ", errors)}\n{sql}");
            Assert.Equal(FromTables(sql), tables);
            Assert.All(tables, t => Assert.Contains(t, query.Tables));
        });
    }

    [Fact]
    public void CatalogQueries_EveryForm_KeepTheStructuralRules()
    {
        Assert.All(CatalogForms(), form => Assert.True(
            Violations(form.Sql).Count == 0, $"{form.Name}: {string.Join("; ", Violations(form.Sql))}\n{form.Sql}"));
    }

    [Fact]
    public async Task AthenaDdl_EveryStatement_ParsesAsHive()
    {
        var ddl = new List<string> { AthenaCatalog.CreateDatabaseSql("oneoff_default"), AthenaCatalog.ShowTablesSql("oneoff_default") };
        foreach (var table in AthenaCatalog.Tables)
        {
            ddl.Add(AthenaCatalog.CreateTableSql("oneoff_default", table, s_root));
            ddl.Add(AthenaCatalog.ShowVersionSql("oneoff_default", table));
            ddl.Add(AthenaCatalog.DropTableSql("oneoff_default", table));
        }

        var results = await ParseAsync([.. ddl.Select(sql => ("hive", sql))]);

        Assert.All(ddl.Zip(results), pair => Assert.True(pair.Second.Errors.Count == 0, $"Not Hive: {string.Join("; ", pair.Second.Errors)}\n{pair.First}"));
    }

    [Fact]
    public async Task Gate_KnownBadSql_IsRefused()
    {
        // DuckDB-only syntax the Trino grammar must refuse (sqlglot 10.6 let each of these through as Trino).
        string[] notTrino =
        [
            "SELECT x::double FROM grid WHERE run_id = ? AND n_hidden IN (?)",
            "SELECT x FROM grid WHERE run_id = ? AND n_hidden IN (?) QUALIFY x > 1",
            "SELECT x FROM grid WHERE run_id = ? AND n_hidden IN (?",
        ];
        var results = await ParseAsync([.. notTrino.Select(sql => ("trino", sql)), ("hive", "CREATE EXTERNAL TABLE t (x double")]);

        Assert.All(results, r => Assert.NotEmpty(r.Errors));
        Assert.Contains("SELECT *", string.Join(";", Violations("SELECT * FROM grid WHERE run_id = ? AND n_hidden IN (?)")), StringComparison.Ordinal);
        Assert.Contains("outside WHERE", string.Join(";", Violations("SELECT x, ? AS p FROM train WHERE run_id = ?")), StringComparison.Ordinal);
        Assert.Contains("inside quotes", string.Join(";", Violations("SELECT x FROM train WHERE run_id = ? AND class = 'X?'")), StringComparison.Ordinal);
        Assert.Contains("run_id", string.Join(";", Violations("SELECT x FROM train WHERE ran_num < ?")), StringComparison.Ordinal);
        Assert.Contains("n_hidden IN", string.Join(";", Violations("SELECT x FROM grid WHERE run_id = ? AND n_hidden = ?")), StringComparison.Ordinal);
        Assert.Contains("subquery", string.Join(";", Violations("SELECT x FROM grid WHERE run_id = ? AND n_hidden IN (SELECT n FROM loss)")), StringComparison.Ordinal);
        Assert.Contains("JOIN", string.Join(";", Violations("SELECT x FROM train JOIN test ON 1 = 1 WHERE run_id = ?")), StringComparison.Ordinal);
    }

    /// <summary>What breaks the rules in <paramref name="sql"/> (empty when nothing does).</summary>
    internal static List<string> Violations(string sql)
    {
        var problems = new List<string>();
        var tokens = Tokens().Matches(sql).Select(m => m.Value).ToList();
        if (tokens.Any(t => t.StartsWith('\'') && t.Contains('?', StringComparison.Ordinal)))
        {
            problems.Add("a ? inside quotes");
        }

        if (tokens.Any(t => t.Equals("JOIN", StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add("a JOIN");
        }

        for (var i = 1; i < tokens.Count; i++)
        {
            if (tokens[i].Equals("SELECT", StringComparison.OrdinalIgnoreCase) && tokens[i - 1] == "(")
            {
                problems.Add("a subquery");
            }
        }

        // One SELECT per UNION branch: SELECT … FROM table [WHERE …] [GROUP BY …] [ORDER BY …].
        foreach (var branch in Split(tokens, "UNION"))
        {
            var clause = "";
            var clauses = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
            foreach (var token in branch)
            {
                if (token.ToUpperInvariant() is "SELECT" or "FROM" or "WHERE" or "GROUP" or "ORDER" or "HAVING" or "LIMIT" or "ALL")
                {
                    clause = token.ToUpperInvariant() == "ALL" && clause == "" ? clause : token.ToUpperInvariant();
                    clauses.TryAdd(clause, []);
                    continue;
                }

                if (token == "?" && clause != "WHERE")
                {
                    problems.Add($"a ? outside WHERE (in {(clause.Length == 0 ? "no clause" : clause)})");
                }

                if (clause.Length > 0)
                {
                    clauses[clause].Add(token);
                }
            }

            var select = clauses.GetValueOrDefault("SELECT") ?? [];
            for (var i = 0; i < select.Count; i++)
            {
                if (select[i] == "*" && (i == 0 || select[i - 1] == ","))
                {
                    problems.Add("SELECT *");
                }
            }

            var table = clauses.GetValueOrDefault("FROM")?.FirstOrDefault();
            if (table is null)
            {
                problems.Add("a SELECT without FROM");
                continue;
            }

            var where = string.Join(" ", clauses.GetValueOrDefault("WHERE") ?? []);
            if (!RunIdFilter().IsMatch(where))
            {
                problems.Add($"{table} not filtered by run_id = ? (or the run id literal)");
            }

            if (QueryCatalog.PartitionedTables.Contains(table) && !SizeFilter().IsMatch(where))
            {
                problems.Add($"{table} not filtered by n_hidden IN (…)");
            }
        }

        return problems;
    }

    private static object[] SampleValues(QueryDefinition query) => query.Name switch
    {
        "training-data" or "test-data" => [ScriptedAthena.RunId, 0.5],
        "class-fractions" => [ScriptedAthena.RunId, ScriptedAthena.RunId],
        "decision-surface" => [ScriptedAthena.RunId, new[] { 30 }],
        _ when query.ParameterCount == 2 && query.Sql.Contains(QueryDefinition.SizeList, StringComparison.Ordinal) => [ScriptedAthena.RunId, s_sizes],
        _ => throw new ArgumentOutOfRangeException(nameof(query), query.Name, "Add the new catalog query's sample values to the SQL gate."),
    };

    private static List<string> FromTables(string sql) => [.. FromClause().Matches(sql).Select(m => m.Groups[1].Value)];

    private static IEnumerable<List<string>> Split(List<string> tokens, string keyword)
    {
        var part = new List<string>();
        foreach (var token in tokens)
        {
            if (token.Equals(keyword, StringComparison.OrdinalIgnoreCase))
            {
                yield return part;
                part = [];
                continue;
            }

            part.Add(token);
        }

        yield return part;
    }

    private static async Task<IReadOnlyList<(IReadOnlyList<string> Errors, IReadOnlyList<string> Tables)>> ParseAsync(IReadOnlyList<(string Dialect, string Sql)> statements)
    {
        var directory = RepoPaths.AwsSdkNpmDirectory;
        var node = ProcessRunner.FindOnPath("node");
        Assert.True(node is not null, "node is not on PATH: ./test.sh installs it (Debian nodejs).");
        Assert.True(
            Directory.Exists(Path.Combine(directory, "node_modules", "dt-sql-parser")),
            $"npm dt-sql-parser is not installed in {directory}: run ./test.sh (it runs npm ci there).");
        var job = new JsonObject { ["statements"] = new JsonArray([.. statements.Select(s => new JsonObject { ["dialect"] = s.Dialect, ["sql"] = s.Sql })]) };
        var run = await ProcessRunner.RunAsync(node, ["sql-gate.mjs"], directory, job.ToJsonString(), timeout: TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, $"sql-gate.mjs failed ({run.ExitCode}): {run.StdErr}");
        var results = JsonNode.Parse(run.StdOut)!.AsArray();
        return [.. results.Select(r => (
            (IReadOnlyList<string>)[.. r!["errors"]!.AsArray().Select(e => e!.GetValue<string>())],
            (IReadOnlyList<string>)[.. r["tables"]!.AsArray().Select(t => t!.GetValue<string>())]))];
    }

    // Quoted strings (doubled quotes inside), identifiers, numbers, ? and single symbols.
    [GeneratedRegex(@"'(?:[^']|'')*'|""[^""]*""|`[^`]*`|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d*)?(?:E[+-]?\d+)?|\?|[^\sA-Za-z0-9_]", RegexOptions.CultureInvariant)]
    private static partial Regex Tokens();

    [GeneratedRegex(@"\bFROM\s+(\w+)", RegexOptions.CultureInvariant)]
    private static partial Regex FromClause();

    [GeneratedRegex(@"(?:^|\s)run_id = (?:\?|'[a-z0-9][a-z0-9-]*')(?:\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex RunIdFilter();

    [GeneratedRegex(@"(?:^|\s)n_hidden IN \( (?:\?|\d+)(?: , (?:\?|\d+))* \)", RegexOptions.CultureInvariant)]
    private static partial Regex SizeFilter();
}
