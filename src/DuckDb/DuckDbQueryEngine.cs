using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OneOff.Core.Storage;
using OneOff.Core.Runs;
using OneOff.Core.Query;

namespace OneOff.DuckDb;

/// <summary>
/// The embedded <see cref="IQueryEngine"/>: DuckDB over the Parquet files of a <see cref="FolderObjectStore"/>.
/// The engine keeps one empty in-memory DuckDB database open (opening a database costs about 10 ms; a connection
/// to an open one, microseconds). Each operation opens its own short-lived connection to it, creates temporary views for the logical
/// tables its query reads — <c>read_parquet('{root}/runs/{runId}/…')</c> with a constant <c>run_id</c> column,
/// and the <c>n_hidden</c> Hive partition as an INTEGER — and runs the catalog's SQL with positional parameters.
/// A published run whose files are missing or damaged gives an <see cref="InvalidDataException"/> naming the run.
/// </summary>
public sealed class DuckDbQueryEngine : CatalogQueryEngine, IDisposable
{
    private static readonly Dictionary<string, (string Folder, bool Partitioned)> s_tables = new(StringComparer.Ordinal)
    {
        ["train"] = ("train", false),
        ["test"] = ("test", false),
        ["grid"] = ("grid", true),
        ["metrics"] = ("metrics", true),
        ["loss"] = ("loss", true),
    };

    // Columns added to a table after runs were written without them: a view over such a run gives them as NULL.
    private static readonly Dictionary<string, (string Name, string Type)[]> s_addedColumns = new(StringComparer.Ordinal)
    {
        ["metrics"] = [("stop_reason", "VARCHAR")],
    };

    private readonly FolderObjectStore _store;
    private readonly ILogger<DuckDbQueryEngine> _logger;
    private readonly Lock _lock = new();
    private DuckDBConnection? _database;
    private bool _disposed;

    /// <summary>Creates an engine over the runs under <paramref name="store"/>'s root.</summary>
    /// <exception cref="ArgumentException">The root path contains a glob character (<c>* ? [ ]</c>) DuckDB would expand.</exception>
    public DuckDbQueryEngine(FolderObjectStore store, ILogger<DuckDbQueryEngine>? logger = null)
        : base(store)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.Root.AsSpan().IndexOfAny("*?[]") >= 0)
        {
            throw new ArgumentException(
                $"The data root '{store.Root}' contains one of * ? [ ], which DuckDB would read as a file pattern: move the data root to a path without them.",
                nameof(store));
        }

        _store = store;
        _logger = logger ?? NullLogger<DuckDbQueryEngine>.Instance;
    }

    /// <inheritdoc />
    public override async Task<QueryEngineHealth> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await Task.Run(
                () =>
                {
                    using var connection = Open();
                    using var command = connection.CreateCommand();
                    command.CommandText = "SELECT version()";
                    return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture);
                },
                cancellationToken).ConfigureAwait(false);
            return new QueryEngineHealth(true, $"DuckDB {version} over {_store.Root}");
        }
        catch (Exception e) when (e is DuckDBException or DllNotFoundException or InvalidOperationException)
        {
            return new QueryEngineHealth(false, $"DuckDB cannot open an in-memory database: {e.Message}");
        }
    }

    /// <summary>Closes the engine's in-memory database; operations still running keep their own connections.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _database?.Dispose();
            _database = null;
        }
    }

    private DuckDBConnection Open()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_database is null)
            {
                _database = new DuckDBConnection("Data Source=:memory:");
                _database.Open();
            }

            var connection = _database.Duplicate();
            if (connection.State != System.Data.ConnectionState.Open)
            {
                connection.Open();
            }

            return connection;
        }
    }

    /// <inheritdoc />
    protected override async Task<T> ExecuteAsync<T>(string runId, QueryCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        T result;
        try
        {
            result = await Task.Run(() => Execute(runId, command, read, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (DuckDBException e)
        {
            // An interrupted query (command.Cancel) fails with a DuckDB error: report it as the cancellation it is.
            cancellationToken.ThrowIfCancellationRequested();
            throw new InvalidDataException(
                $"The outputs of run '{runId}' cannot be read for the {command.Query.Name} query (files missing or damaged under {_store.PathOf(RunKeys.Run(runId))}): {e.Message}", e);
        }

        _logger.LogDebug("Query {Query} of run {RunId} took {Milliseconds:F1} ms", command.Query.Name, runId, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    private T Execute<T>(string runId, QueryCommand query, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        using var connection = Open();
        foreach (var table in query.Query.Tables)
        {
            using var view = connection.CreateCommand();
            view.CommandText = ViewSql(runId, table, MissingColumns(connection, runId, table));
            view.ExecuteNonQuery();
        }

        using var command = connection.CreateCommand();
        command.CommandText = query.Sql;
        foreach (var value in query.Parameters)
        {
            command.Parameters.Add(new DuckDBParameter(value));
        }

        using var cancel = cancellationToken.Register(command.Cancel);
        using var reader = command.ExecuteReader();
        var result = read(reader);
        cancellationToken.ThrowIfCancellationRequested();
        return result;
    }

    /// <summary>The added columns (<see cref="s_addedColumns"/>) that the run's files of <paramref name="table"/> lack (a run written before them).</summary>
    private List<(string Name, string Type)> MissingColumns(DuckDBConnection connection, string runId, string table)
    {
        if (!s_addedColumns.TryGetValue(table, out var added))
        {
            return [];
        }

        var missing = new List<(string Name, string Type)>(added.Length);
        foreach (var column in added)
        {
            using var check = connection.CreateCommand();
            check.CommandText = "SELECT count(*) FROM parquet_schema(?) WHERE name = ?";
            check.Parameters.Add(new DuckDBParameter(Glob(runId, table)));
            check.Parameters.Add(new DuckDBParameter(column.Name));
            if (Convert.ToInt64(check.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
            {
                missing.Add(column);
            }
        }

        return missing;
    }

    private string Glob(string runId, string table)
    {
        var (folder, partitioned) = s_tables[table];
        var runFolder = _store.PathOf(RunKeys.Run(runId).TrimEnd('/'));
        return partitioned ? $"{runFolder}/{folder}/*/*.parquet" : $"{runFolder}/{folder}/*.parquet";
    }

    // The run id is validated ([a-z0-9-]) and the root holds no glob characters; quotes in the root are doubled.
    // View definitions cannot take parameters: this is the one place values become SQL text (the added columns'
    // names and types are the constants above).
    private string ViewSql(string runId, string table, List<(string Name, string Type)> missing)
    {
        var (_, partitioned) = s_tables[table];
        var glob = Glob(runId, table).Replace("'", "''", StringComparison.Ordinal);
        var source = partitioned
            ? $"read_parquet('{glob}', hive_partitioning = true, hive_types = {{'n_hidden': INTEGER}})"
            : $"read_parquet('{glob}')";
        var nulls = string.Concat(missing.Select(c => $", CAST(NULL AS {c.Type}) AS {c.Name}"));
        return $"CREATE TEMP VIEW {table} AS SELECT '{runId}' AS run_id, *{nulls} FROM {source}";
    }
}
