using OneOff.Core.Runs;
using Parquet.Schema;

namespace OneOff.Dashboard.Export;

/// <summary>
/// One table of a run's outputs as a reader outside the dashboard sees it: its folder under the run's folder, the
/// glob of its Parquet files, and its columns (a partitioned table's folder names add the partition column last, as
/// pyarrow and DuckDB read a Hive partition).
/// </summary>
/// <param name="Name">The logical table name of the query catalog (<c>train</c>, <c>grid</c>, …).</param>
/// <param name="Folder">Its folder relative to the run's folder, '/'-terminated (<c>grid/</c>).</param>
/// <param name="Glob">Its Parquet files relative to the run's folder (<c>grid/*/*.parquet</c>).</param>
/// <param name="PartitionColumn">The Hive partition column (<c>n_hidden</c>), or null for an unpartitioned table.</param>
/// <param name="Columns">Every column a reader gets, the partition column last.</param>
public sealed record RunTable(string Name, string Folder, string Glob, string? PartitionColumn, IReadOnlyList<string> Columns);

/// <summary>
/// The tables and files of a run, derived from the keys the job writes (<see cref="RunKeys"/>) and the schemas it
/// writes them with (<see cref="RunSchemas"/>): nothing here names a file or a column of its own.
/// </summary>
public static class RunTables
{
    // Any size: only the shape of a partitioned key is read from it.
    private const int AnySize = 1;

    /// <summary>The run's tables: training and test points, grid, metrics and loss curves.</summary>
    public static IReadOnlyList<RunTable> Of(string runId) =>
    [
        Table(runId, RunKeys.Train(runId), RunSchemas.Points),
        Table(runId, RunKeys.Test(runId), RunSchemas.Points),
        Table(runId, RunKeys.Grid(runId, AnySize), RunSchemas.Grid),
        Metrics(runId),
        Table(runId, RunKeys.Loss(runId, AnySize), RunSchemas.LossCurve),
    ];

    /// <summary>The metrics table of a run (one row per hidden size).</summary>
    public static RunTable Metrics(string runId) => Table(runId, RunKeys.Metrics(runId, AnySize), RunSchemas.Metrics);

    /// <summary>The manifest's path relative to the run's folder (<c>_manifest.json</c>).</summary>
    public static string ManifestFile(string runId) => Relative(runId, RunKeys.Manifest(runId));

    /// <summary>The name of the hidden-size partition column (<c>n_hidden</c>), from the grid's key.</summary>
    public static string NHiddenColumn { get; } =
        Table("r", RunKeys.Grid("r", AnySize), RunSchemas.Grid).PartitionColumn ?? throw new InvalidOperationException("The grid is not partitioned.");

    /// <summary>
    /// Where a reader finds the run: the store's root (a folder, or <c>s3://bucket/prefix</c>) and the run's prefix,
    /// '/'-terminated.
    /// </summary>
    public static string LocationOf(string storeRoot, string runId)
    {
        ArgumentNullException.ThrowIfNull(storeRoot);
        return storeRoot.TrimEnd('/') + "/" + RunKeys.Run(runId);
    }

    private static RunTable Table(string runId, string key, ParquetSchema schema)
    {
        // runs/{id}/train/part-0.parquet → train/part-0.parquet; runs/{id}/grid/n_hidden=1/part-0.parquet → grid/n_hidden=1/part-0.parquet
        var relative = Relative(runId, key);
        var segments = relative.Split('/');
        var name = segments[0];
        var folders = segments[1..^1];
        var partition = folders.Length == 1 && folders[0].IndexOf('=', StringComparison.Ordinal) is > 0 and var at ? folders[0][..at] : null;
        if (folders.Length != (partition is null ? 0 : 1))
        {
            throw new InvalidOperationException($"The key '{key}' is not a table's file or a Hive partition's file.");
        }

        var extension = Path.GetExtension(segments[^1]);
        var glob = partition is null ? $"{name}/*{extension}" : $"{name}/*/*{extension}";
        IReadOnlyList<string> columns = [.. schema.DataFields.Select(f => f.Name), .. partition is null ? Array.Empty<string>() : [partition]];
        return new RunTable(name, name + "/", glob, partition, columns);
    }

    private static string Relative(string runId, string key)
    {
        var prefix = RunKeys.Run(runId);
        return key.StartsWith(prefix, StringComparison.Ordinal)
            ? key[prefix.Length..]
            : throw new InvalidOperationException($"The key '{key}' is not under the run's prefix '{prefix}'.");
    }
}
