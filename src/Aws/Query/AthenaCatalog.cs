using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using OneOff.Aws.Storage;
using OneOff.Core.Runs;
using Parquet.Schema;

namespace OneOff.Aws.Query;

/// <summary>One of the five logical tables as Athena has it.</summary>
/// <param name="Name">The table (and folder) name.</param>
/// <param name="Partitioned">True for the <c>n_hidden=N</c> tables.</param>
/// <param name="Schema">The Parquet columns (the job's <see cref="RunSchemas"/>).</param>
internal sealed record AthenaTable(string Name, bool Partitioned, ParquetSchema Schema);

/// <summary>
/// The Athena DDL: the database and the five external Parquet tables over <c>s3://{bucket}/{prefix}/runs/</c>,
/// <c>PARTITIONED BY (run_id string[, n_hidden int])</c>, both partition columns <c>injected</c> projection columns
/// (Athena UG "Partition projection": an integer range 1–2000 would project mostly empty partitions; injected
/// columns take the query's static values), <c>storage.location.template</c> pointing at the job's own folders,
/// and a schema version table property. <see cref="EnsureAsync"/> runs once per process, before the first query:
/// <c>CREATE DATABASE IF NOT EXISTS</c>, <c>SHOW TABLES</c>, then per existing table <c>SHOW TBLPROPERTIES … ('oneoff.schema_version')</c>;
/// a missing table is created, a table of another version dropped (external: the data stays) and created again.
/// </summary>
internal sealed partial class AthenaCatalog(AthenaQueryRunner runner, S3Root root, ILogger logger)
{
    /// <summary>The table property that holds <see cref="VersionOf"/>.</summary>
    public const string VersionProperty = "oneoff.schema_version";

    /// <summary>Raise when the tables change in a way the DDL text does not show (it is part of every version).</summary>
    public const int SchemaRevision = 1;

    public static IReadOnlyList<AthenaTable> Tables { get; } =
    [
        new("train", false, RunSchemas.Points),
        new("test", false, RunSchemas.Points),
        new("grid", true, RunSchemas.Grid),
        new("metrics", true, RunSchemas.Metrics),
        new("loss", true, RunSchemas.LossCurve),
    ];

    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile bool _ready;

    private string Database => runner.Settings.Database;

    /// <summary>Creates what is missing or out of date, once; a failed attempt is tried again at the next call.</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ready)
            {
                return;
            }

            await DdlAsync(CreateDatabaseSql(Database), inDatabase: false, cancellationToken).ConfigureAwait(false);
            var existing = (await RowsAsync(ShowTablesSql(Database), cancellationToken).ConfigureAwait(false))
                .SelectMany(row => row).Where(cell => cell is not null).Select(cell => cell!.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
            await Task.WhenAll(Tables.Select(table => EnsureTableAsync(table, existing.Contains(table.Name), cancellationToken))).ConfigureAwait(false);
            _ready = true;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary><c>CREATE DATABASE IF NOT EXISTS `db`</c>.</summary>
    public static string CreateDatabaseSql(string database) => $"CREATE DATABASE IF NOT EXISTS `{database}`";

    /// <summary><c>SHOW TABLES IN `db`</c>.</summary>
    public static string ShowTablesSql(string database) => $"SHOW TABLES IN `{database}`";

    /// <summary><c>SHOW TBLPROPERTIES `db`.`table` ('oneoff.schema_version')</c>.</summary>
    public static string ShowVersionSql(string database, AthenaTable table) => $"SHOW TBLPROPERTIES `{database}`.`{table.Name}` ('{VersionProperty}')";

    /// <summary><c>DROP TABLE IF EXISTS `db`.`table`</c> (external: the data stays).</summary>
    public static string DropTableSql(string database, AthenaTable table) => $"DROP TABLE IF EXISTS `{database}`.`{table.Name}`";

    /// <summary>The <c>CREATE EXTERNAL TABLE</c> statement of <paramref name="table"/>, with its version property.</summary>
    public static string CreateTableSql(string database, AthenaTable table, S3Root root) =>
        TableSql(database, table, root, VersionOf(database, table, root));

    /// <summary>
    /// The version a table of this DDL carries: <see cref="SchemaRevision"/> and a hash of the statement itself, so a
    /// changed column, type, bucket or prefix makes the tables of an older DDL out of date too.
    /// </summary>
    public static string VersionOf(string database, AthenaTable table, S3Root root)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(TableSql(database, table, root, version: "")));
        return $"{SchemaRevision}.{Convert.ToHexStringLower(hash)[..12]}";
    }

    /// <summary>Hive's name for a Parquet column's type.</summary>
    public static string HiveType(DataField field) => field.ClrType switch
    {
        var t when t == typeof(long) => "bigint",
        var t when t == typeof(int) => "int",
        var t when t == typeof(double) => "double",
        var t when t == typeof(float) => "float",
        var t when t == typeof(string) || t == typeof(ReadOnlyMemory<char>) => "string",
        var t when t == typeof(bool) => "boolean",
        var t => throw new NotSupportedException($"Column {field.Name} is a {t.Name}, which has no Athena type here: add it to AthenaCatalog.HiveType."),
    };

    private static string TableSql(string database, AthenaTable table, S3Root root, string version)
    {
        var runs = $"s3://{root.Bucket}/{root.Prefix}runs/";
        var folder = table.Partitioned ? $"{runs}${{run_id}}/{table.Name}/n_hidden=${{n_hidden}}/" : $"{runs}${{run_id}}/{table.Name}/";
        var columns = string.Join(",\n", table.Schema.DataFields.Select(f => $"  `{f.Name}` {HiveType(f)}"));
        var partitions = table.Partitioned ? "`run_id` string, `n_hidden` int" : "`run_id` string";
        var projection = table.Partitioned
            ? "  'projection.run_id.type' = 'injected',\n  'projection.n_hidden.type' = 'injected',\n"
            : "  'projection.run_id.type' = 'injected',\n";
        return $"""
            CREATE EXTERNAL TABLE IF NOT EXISTS `{database}`.`{table.Name}` (
            {columns}
            )
            PARTITIONED BY ({partitions})
            STORED AS PARQUET
            LOCATION '{runs}'
            TBLPROPERTIES (
              'projection.enabled' = 'true',
            {projection}  'storage.location.template' = '{folder}',
              '{VersionProperty}' = '{version}'
            )
            """;
    }

    private async Task EnsureTableAsync(AthenaTable table, bool exists, CancellationToken cancellationToken)
    {
        var version = VersionOf(Database, table, root);
        if (exists)
        {
            var rows = await RowsAsync(ShowVersionSql(Database, table), cancellationToken).ConfigureAwait(false);
            // Hive prints the value alone; some engines print "key<TAB>value": the last field is the value either way.
            var found = rows.Select(row => row.LastOrDefault(cell => cell is not null)?.Split('\t')[^1].Trim()).FirstOrDefault(v => !string.IsNullOrEmpty(v));
            if (found == version)
            {
                return;
            }

            LogRecreating(logger, Database, table.Name, found, version);
            await DdlAsync(DropTableSql(Database, table), inDatabase: true, cancellationToken).ConfigureAwait(false);
        }

        await DdlAsync(CreateTableSql(Database, table, root), inDatabase: true, cancellationToken).ConfigureAwait(false);
        LogCreated(logger, Database, table.Name, version);
    }

    private Task DdlAsync(string sql, bool inDatabase, CancellationToken cancellationToken) =>
        runner.ExecuteAsync(sql, [], inDatabase, reuse: false, finished: null, cancellationToken);

    private async Task<IReadOnlyList<IReadOnlyList<string?>>> RowsAsync(string sql, CancellationToken cancellationToken)
    {
        var execution = await runner.ExecuteAsync(sql, [], inDatabase: true, reuse: false, finished: null, cancellationToken).ConfigureAwait(false);
        var results = await runner.Client.GetAllQueryResultsAsync(execution.QueryExecutionId ?? "", execution.StatementType, cancellationToken: cancellationToken).ConfigureAwait(false);
        return results.Rows;
    }

    [LoggerMessage(EventId = 2311, Level = LogLevel.Information, Message = "Created Athena table {Database}.{Table} (schema version {Version})")]
    private static partial void LogCreated(ILogger logger, string database, string table, string version);

    [LoggerMessage(EventId = 2312, Level = LogLevel.Warning, Message = "Athena table {Database}.{Table} has schema version {Found}, not {Version}: dropping it (external: the data stays) and creating it again")]
    private static partial void LogRecreating(ILogger logger, string database, string table, string? found, string version);
}
