using System.Globalization;
using System.Text;

namespace OneOff.Core.Query;

/// <summary>One named query: its SQL (positional <c>?</c> parameters only) and the logical tables it reads.</summary>
/// <param name="Name">The query's name, also the first part of its cache key.</param>
/// <param name="Sql">
/// The SQL text, in the dialect subset of QUERIES.md, as written once for both engines: a partitioned table's size
/// filter is written <see cref="SizeList"/> and takes the run's sizes as one list value (<see cref="Bind"/> expands it).
/// </param>
/// <param name="Tables">The logical tables (<c>train</c>, <c>test</c>, <c>grid</c>, <c>metrics</c>, <c>loss</c>) it reads.</param>
public sealed record QueryDefinition(string Name, string Sql, IReadOnlyList<string> Tables)
{
    /// <summary>How a query over a partitioned table names the sizes it reads: one <c>?</c> that takes a list of sizes.</summary>
    public const string SizeList = "n_hidden IN (?)";

    /// <summary>How many positional parameters the SQL takes as written (a size list counts as one; a '?' inside quotes is text).</summary>
    public int ParameterCount { get; } = CountParameters(Sql);

    /// <summary>
    /// The SQL and the flat parameter list both engines run: one value per <c>?</c> in order — a <see cref="string"/>,
    /// <see cref="int"/> or <see cref="double"/>, or, for the <c>?</c> of <see cref="SizeList"/>, a list of sizes,
    /// written out as <c>n_hidden IN (?, ?, …)</c> with one <c>?</c> (and one <see cref="int"/> parameter) per size.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// Not one value per <c>?</c>; a list where no <see cref="SizeList"/> is, or none where one is; an empty list; a value of another type.
    /// </exception>
    public QueryCommand Bind(params IReadOnlyList<object> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != ParameterCount)
        {
            throw new ArgumentException($"The {Name} query takes {ParameterCount} values, not {values.Count}.", nameof(values));
        }

        var sql = new StringBuilder(Sql.Length + 16);
        var parameters = new List<object>(values.Count + 8);
        var next = 0;
        var quoted = false;
        for (var i = 0; i < Sql.Length; i++)
        {
            var c = Sql[i];
            quoted ^= c == '\'';
            if (c != '?' || quoted)
            {
                sql.Append(c);
                continue;
            }

            var value = values[next++];
            var atSizeList = i >= SizeList.Length - 2 && string.CompareOrdinal(Sql, i - (SizeList.Length - 2), SizeList, 0, SizeList.Length) == 0;
            switch (value)
            {
                case IReadOnlyList<int> sizes when atSizeList:
                    if (sizes.Count == 0)
                    {
                        throw new ArgumentException($"The {Name} query needs at least one size for {SizeList}.", nameof(values));
                    }

                    sql.AppendJoin(", ", Enumerable.Repeat('?', sizes.Count));
                    parameters.AddRange(sizes.Select(n => (object)n));
                    break;
                case IReadOnlyList<int>:
                    throw new ArgumentException($"Value {next} of the {Name} query is a list of sizes, but its ? is not the one of {SizeList}.", nameof(values));
                case string or int or double when !atSizeList:
                    sql.Append('?');
                    parameters.Add(value);
                    break;
                default:
                    throw new ArgumentException(
                        atSizeList
                            ? $"Value {next} of the {Name} query is for {SizeList}: pass the run's sizes as a list."
                            : $"Value {next} of the {Name} query is a {value?.GetType().Name ?? "null"}: pass a string, an int or a double.",
                        nameof(values));
            }
        }

        return new QueryCommand(this, sql.ToString(), parameters);
    }

    private static int CountParameters(string sql)
    {
        var (count, quoted) = (0, false);
        foreach (var c in sql)
        {
            quoted ^= c == '\'';
            count += c == '?' && !quoted ? 1 : 0;
        }

        return count;
    }
}

/// <summary>A catalog query ready to run: the SQL with one <c>?</c> per parameter, and the parameters in order.</summary>
/// <param name="Query">The catalog query it came from.</param>
/// <param name="Sql">The SQL with every size list written out.</param>
/// <param name="Parameters">One <see cref="string"/>, <see cref="int"/> or <see cref="double"/> per <c>?</c>.</param>
public sealed record QueryCommand(QueryDefinition Query, string Sql, IReadOnlyList<object> Parameters)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Query.Name}: {Sql} [{string.Join(", ", Parameters.Select(p => Convert.ToString(p, CultureInfo.InvariantCulture)))}]";
}

/// <summary>
/// The catalog: every query the dashboard asks about one published run, written once in the subset of SQL that
/// both Athena (Trino) and DuckDB run — see QUERIES.md beside this file for that subset. The first parameter
/// of every query is the run id, and every table reference is filtered by it; every reference to a partitioned table
/// (<see cref="PartitionedTables"/>) is filtered by the run's own sizes too (<see cref="QueryDefinition.SizeList"/>):
/// Athena's injected partition projection needs static values for both.
/// </summary>
public static class QueryCatalog
{
    /// <summary>The logical tables partitioned by <c>n_hidden</c> (the <c>n_hidden=N</c> folders).</summary>
    public static IReadOnlySet<string> PartitionedTables { get; } = new HashSet<string>(["grid", "metrics", "loss"], StringComparer.Ordinal);

    /// <summary>Training points in id order. Parameters: run id, sample fraction (keep <c>ran_num &lt; ?</c>).</summary>
    public static QueryDefinition TrainingData { get; } = new(
        "training-data",
        """
        SELECT x0, y0, x, y, class
        FROM train
        WHERE run_id = ? AND ran_num < ?
        ORDER BY id
        """,
        ["train"]);

    /// <summary>Held-out points in id order. Parameters: run id, sample fraction.</summary>
    public static QueryDefinition TestData { get; } = new(
        "test-data",
        """
        SELECT x0, y0, x, y, class
        FROM test
        WHERE run_id = ? AND ran_num < ?
        ORDER BY id
        """,
        ["test"]);

    /// <summary>Rows per data set and class. Parameters: run id, run id.</summary>
    public static QueryDefinition ClassFractions { get; } = new(
        "class-fractions",
        """
        SELECT 'train' AS dataset, class, COUNT(*) AS points
        FROM train
        WHERE run_id = ?
        GROUP BY class
        UNION ALL
        SELECT 'test' AS dataset, class, COUNT(*) AS points
        FROM test
        WHERE run_id = ?
        GROUP BY class
        """,
        ["train", "test"]);

    /// <summary>One model's grid, row-major (y, then x). Parameters: run id, the one size asked for (as a size list).</summary>
    public static QueryDefinition DecisionSurface { get; } = new(
        "decision-surface",
        """
        SELECT x, y, class_pred, p_x, p_o, p_b
        FROM grid
        WHERE run_id = ? AND n_hidden IN (?)
        ORDER BY y, x
        """,
        ["grid"]);

    /// <summary>Every model's predicted classes on the grid. Parameters: run id, the run's sizes.</summary>
    public static QueryDefinition AllSurfaces { get; } = new(
        "all-surfaces",
        """
        SELECT n_hidden, x, y, class_pred
        FROM grid
        WHERE run_id = ? AND n_hidden IN (?)
        ORDER BY n_hidden, y, x
        """,
        ["grid"]);

    /// <summary>
    /// Every model's metrics. Parameters: run id, the run's sizes. <c>stop_reason</c> is NULL for runs written before it existed
    /// (the engines give a missing column as NULL).
    /// </summary>
    public static QueryDefinition Metrics { get; } = new(
        "metrics",
        """
        SELECT n_hidden, train_acc, test_acc, surface_agree, iterations, final_loss, fit_seconds, stop_reason
        FROM metrics
        WHERE run_id = ? AND n_hidden IN (?)
        ORDER BY n_hidden
        """,
        ["metrics"]);

    /// <summary>Every model's loss after each iteration. Parameters: run id, the run's sizes.</summary>
    public static QueryDefinition LossCurves { get; } = new(
        "loss-curves",
        """
        SELECT n_hidden, iteration, loss
        FROM loss
        WHERE run_id = ? AND n_hidden IN (?)
        ORDER BY n_hidden, iteration
        """,
        ["loss"]);

    /// <summary>Every query of the catalog.</summary>
    public static IReadOnlyList<QueryDefinition> All { get; } =
        [TrainingData, TestData, ClassFractions, DecisionSurface, AllSurfaces, Metrics, LossCurves];
}
