using System.Globalization;
using System.Text;

namespace OneOff.Dashboard.Export;

/// <summary>One way to read a run in Python: a title, an id for its element and the code.</summary>
public sealed record PythonSnippet(string Id, string Title, string Code);

/// <summary>
/// "Read this run in Python": the same run read with pandas and pyarrow, and with DuckDB, its location filled in (the
/// run's folder, or its <c>s3://</c> prefix) and its tables and columns named as the job writes them
/// (<see cref="RunTables"/>). Every table line ends in <c># columns: a, b, …</c>.
/// </summary>
public static class PythonSnippets
{
    /// <summary>The element id of the pandas/pyarrow snippet.</summary>
    public const string PandasId = "snippet-pandas";

    /// <summary>The element id of the DuckDB snippet.</summary>
    public const string DuckDbId = "snippet-duckdb";

    /// <summary>The two snippets for run <paramref name="runId"/> of the store rooted at <paramref name="storeRoot"/>.</summary>
    public static IReadOnlyList<PythonSnippet> For(string storeRoot, string runId)
    {
        var location = RunTables.LocationOf(storeRoot, runId);
        var tables = RunTables.Of(runId);
        return [Pandas(location, runId, tables), DuckDb(location, runId, tables)];
    }

    /// <summary>A Python string literal of <paramref name="value"/> (double-quoted, escaped).</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder("\"", value.Length + 2);
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) || char.IsSurrogate(c) => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }

    private static PythonSnippet Pandas(string location, string runId, IReadOnlyList<RunTable> tables)
    {
        var code = new StringBuilder();
        code.Append(CultureInfo.InvariantCulture, $"# Run {runId} with pandas and pyarrow (pip install pandas pyarrow).\n");
        if (IsS3(location))
        {
            code.Append("# pyarrow finds AWS credentials as the AWS CLI does (environment, profile, instance role).\n");
        }

        code.Append("import json\n\n")
            .Append("import pyarrow.dataset as ds\n")
            .Append("import pyarrow.fs as pafs\n\n")
            .Append(CultureInfo.InvariantCulture, $"run = {Literal(location)}\n")
            .Append("fs, root = pafs.FileSystem.from_uri(run)\n")
            .Append("root = root.rstrip(\"/\")\n\n\n")
            .Append("def table(folder):\n")
            .Append("    # A Hive partition folder (n_hidden=N) becomes a column.\n")
            .Append("    dataset = ds.dataset(f\"{root}/{folder}\", filesystem=fs, format=\"parquet\", partitioning=\"hive\")\n")
            .Append("    return dataset.to_table().to_pandas()\n\n\n")
            .Append(CultureInfo.InvariantCulture, $"with fs.open_input_stream(f\"{{root}}/{RunTables.ManifestFile(runId)}\") as f:\n")
            .Append("    manifest = json.load(f)\n\n");
        foreach (var table in tables)
        {
            code.Append(CultureInfo.InvariantCulture, $"{table.Name} = table({Literal(table.Folder.TrimEnd('/'))})  # columns: {string.Join(", ", table.Columns)}\n");
        }

        var metrics = RunTables.Metrics(runId);
        code.Append(CultureInfo.InvariantCulture, $"\nprint({metrics.Name}.sort_values({Literal(RunTables.NHiddenColumn)})[[{string.Join(", ", Summary(metrics).Select(Literal))}]])\n");
        return new PythonSnippet(PandasId, "pandas / pyarrow", code.ToString());
    }

    private static PythonSnippet DuckDb(string location, string runId, IReadOnlyList<RunTable> tables)
    {
        var code = new StringBuilder();
        code.Append(CultureInfo.InvariantCulture, $"# Run {runId} with DuckDB (pip install duckdb): one view per table.\n")
            .Append("import duckdb\n\n")
            .Append(CultureInfo.InvariantCulture, $"run = {Literal(location)}\n")
            .Append("con = duckdb.connect()\n");
        if (IsS3(location))
        {
            code.Append("con.execute(\"INSTALL httpfs\")\n")
                .Append("con.execute(\"LOAD httpfs\")\n")
                .Append("con.execute(\"CREATE SECRET (TYPE s3, PROVIDER credential_chain)\")  # AWS credentials as the AWS CLI finds them\n");
        }

        code.Append('\n');
        foreach (var table in tables)
        {
            var hive = table.PartitionColumn is null ? "" : ", hive_partitioning=True";
            code.Append(CultureInfo.InvariantCulture, $"con.read_parquet(run + {Literal(table.Glob)}{hive}).create_view({Literal(table.Name)})  # columns: {string.Join(", ", table.Columns)}\n");
        }

        var metrics = RunTables.Metrics(runId);
        code.Append(CultureInfo.InvariantCulture, $"\ncon.sql({Literal($"SELECT {string.Join(", ", Summary(metrics))} FROM {metrics.Name} ORDER BY {RunTables.NHiddenColumn}")}).show()\n");
        return new PythonSnippet(DuckDbId, "DuckDB", code.ToString());
    }

    private static bool IsS3(string location) => location.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);

    // The size and the first three measures: n_hidden, train_acc, test_acc, surface_agree.
    private static IEnumerable<string> Summary(RunTable metrics) =>
        [RunTables.NHiddenColumn, .. metrics.Columns.Where(c => c != metrics.PartitionColumn).Take(3)];
}
