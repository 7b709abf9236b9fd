namespace OneOff.Core.Query;

/// <summary>One named query: its SQL (positional <c>?</c> parameters only) and the logical tables it reads.</summary>
/// <param name="Name">The query's name, also the first part of its cache key.</param>
/// <param name="Sql">The SQL text, in the dialect subset of QUERIES.md.</param>
/// <param name="Tables">The logical tables (<c>train</c>, <c>test</c>, <c>grid</c>, <c>metrics</c>, <c>loss</c>) it reads.</param>
public sealed record QueryDefinition(string Name, string Sql, IReadOnlyList<string> Tables)
{
    /// <summary>How many positional parameters the SQL takes.</summary>
    public int ParameterCount { get; } = Sql.Count(c => c == '?');
}

/// <summary>
/// The catalog: every query the dashboard asks about one published run, written once in the subset of SQL that
/// both Athena (Trino) and DuckDB run — see QUERIES.md beside this file for that subset. The first parameter
/// of every query is the run id, and every table reference is filtered by it (Athena's partition projection needs it).
/// </summary>
public static class QueryCatalog
{
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

    /// <summary>One model's grid, row-major (y, then x). Parameters: run id, hidden-layer size.</summary>
    public static QueryDefinition DecisionSurface { get; } = new(
        "decision-surface",
        """
        SELECT x, y, class_pred, p_x, p_o, p_b
        FROM grid
        WHERE run_id = ? AND n_hidden = ?
        ORDER BY y, x
        """,
        ["grid"]);

    /// <summary>Every model's predicted classes on the grid. Parameters: run id.</summary>
    public static QueryDefinition AllSurfaces { get; } = new(
        "all-surfaces",
        """
        SELECT n_hidden, x, y, class_pred
        FROM grid
        WHERE run_id = ?
        ORDER BY n_hidden, y, x
        """,
        ["grid"]);

    /// <summary>
    /// Every model's metrics. Parameters: run id. <c>stop_reason</c> is NULL for runs written before it existed
    /// (the engines give a missing column as NULL).
    /// </summary>
    public static QueryDefinition Metrics { get; } = new(
        "metrics",
        """
        SELECT n_hidden, train_acc, test_acc, surface_agree, iterations, final_loss, fit_seconds, stop_reason
        FROM metrics
        WHERE run_id = ?
        ORDER BY n_hidden
        """,
        ["metrics"]);

    /// <summary>Every model's loss after each iteration. Parameters: run id.</summary>
    public static QueryDefinition LossCurves { get; } = new(
        "loss-curves",
        """
        SELECT n_hidden, iteration, loss
        FROM loss
        WHERE run_id = ?
        ORDER BY n_hidden, iteration
        """,
        ["loss"]);

    /// <summary>Every query of the catalog.</summary>
    public static IReadOnlyList<QueryDefinition> All { get; } =
        [TrainingData, TestData, ClassFractions, DecisionSurface, AllSurfaces, Metrics, LossCurves];
}
