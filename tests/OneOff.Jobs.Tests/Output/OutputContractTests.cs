using DuckDB.NET.Data;
using OneOff.Core.Runs;
using OneOff.Testing;

namespace OneOff.Jobs.Tests.Output;

/// <summary>A small run's files, read back with DuckDB: the contract's columns, types and row counts.</summary>
public sealed class OutputContractTests : IAsyncLifetime
{
    private const string RunId = "contract";
    private readonly TempFolder _folder = new();

    public async ValueTask InitializeAsync()
    {
        var outcome = await Infrastructure.Cli.RunAsync(["sweep", .. Infrastructure.Cli.Small(_folder.Path, RunId)]);
        Assert.True(outcome.ExitCode == 0, outcome.Error);
    }

    public ValueTask DisposeAsync()
    {
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData("train/part-0.parquet", 600)]
    [InlineData("test/part-0.parquet", 300)]
    public void Points_HaveTheContractColumnsAndRows(string file, int rows)
    {
        var path = _folder[$"runs/{RunId}/{file}"];

        Assert.Equal(
            [("id", "BIGINT"), ("ran_num", "DOUBLE"), ("class", "VARCHAR"), ("xscore", "DOUBLE"), ("oscore", "DOUBLE"), ("bscore", "DOUBLE"),
             ("x0", "DOUBLE"), ("y0", "DOUBLE"), ("x", "DOUBLE"), ("y", "DOUBLE")],
            Describe(path));
        Assert.Equal(rows, Scalar<long>("SELECT count(*) FROM read_parquet($path)", path));
        Assert.Equal(rows - 1, Scalar<long>("SELECT max(id) FROM read_parquet($path)", path));
        Assert.Equal(0, Scalar<long>("SELECT count(*) FROM read_parquet($path) WHERE class NOT IN ('X', 'O', 'B')", path));
        Assert.Equal(0, Scalar<long>(
            "SELECT count(*) FROM read_parquet($path) WHERE xscore + oscore + bscore <> 1 OR (class = 'X') <> (xscore = 1) OR (class = 'O') <> (oscore = 1)", path));
        Assert.Equal(0, Scalar<long>("SELECT count(*) FROM read_parquet($path) WHERE ran_num < 0 OR ran_num >= 1", path));
    }

    [Fact]
    public void Grid_HasTheContractColumnsAndEveryCellPerSize()
    {
        Assert.Equal(
            [("x", "DOUBLE"), ("y", "DOUBLE"), ("class_pred", "VARCHAR"), ("p_x", "DOUBLE"), ("p_o", "DOUBLE"), ("p_b", "DOUBLE")],
            Describe(_folder[RunKeys.Grid(RunId, 8)]));

        var glob = _folder[$"runs/{RunId}/grid/*/*.parquet"];
        Assert.Equal(3 * 10201, Scalar<long>("SELECT count(*) FROM read_parquet($path, hive_partitioning = true)", glob));
        Assert.Equal(3, Scalar<long>("SELECT count(DISTINCT n_hidden) FROM read_parquet($path, hive_partitioning = true)", glob));
        Assert.Equal(0, Scalar<long>(
            "SELECT count(*) FROM read_parquet($path, hive_partitioning = true) WHERE abs(p_x + p_o + p_b - 1) > 1e-5 OR x < -5 OR x > 5 OR y < -5 OR y > 5", glob));
        Assert.Equal(101, Scalar<long>("SELECT count(DISTINCT round(x, 6)) FROM read_parquet($path)", _folder[RunKeys.Grid(RunId, 8)]));
    }

    [Fact]
    public void MetricsAndLoss_HaveTheContractColumnsAndAgreeWithTheManifest()
    {
        Assert.Equal(
            [("train_acc", "DOUBLE"), ("test_acc", "DOUBLE"), ("surface_agree", "DOUBLE"), ("iterations", "INTEGER"), ("final_loss", "DOUBLE"), ("fit_seconds", "DOUBLE"),
             ("stop_reason", "VARCHAR")],
            Describe(_folder[RunKeys.Metrics(RunId, 3)]));
        Assert.Equal([("iteration", "INTEGER"), ("loss", "DOUBLE")], Describe(_folder[RunKeys.Loss(RunId, 3)]));

        var manifest = RunManifest.Parse(File.ReadAllBytes(_folder[RunKeys.Manifest(RunId)]));
        foreach (var model in manifest.Models)
        {
            Assert.Equal(model.TestAcc, Scalar<double>("SELECT test_acc FROM read_parquet($path)", _folder[RunKeys.Metrics(RunId, model.NHidden)]));
            Assert.NotNull(model.StopReason);
            Assert.Equal(StopReasons.ToWire(model.StopReason), Scalar<string>("SELECT stop_reason FROM read_parquet($path)", _folder[RunKeys.Metrics(RunId, model.NHidden)]));
            Assert.Equal(model.Iterations, Scalar<long>("SELECT count(*) FROM read_parquet($path)", _folder[RunKeys.Loss(RunId, model.NHidden)]));
            Assert.Equal(model.FinalLoss, Scalar<double>("SELECT loss FROM read_parquet($path) ORDER BY iteration DESC LIMIT 1", _folder[RunKeys.Loss(RunId, model.NHidden)]));
        }

        Assert.Equal(manifest.Models.MaxBy(m => m.SurfaceAgree)!.SurfaceAgree, manifest.Models.Single(m => m.NHidden == manifest.BestNHidden).SurfaceAgree);
    }

    [Fact]
    public void Manifest_HasEveryContractKey()
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(_folder[RunKeys.Manifest(RunId)]));
        var root = json.RootElement;

        Assert.Equal(2, root.GetProperty("schema").GetInt32());
        Assert.Equal(RunId, root.GetProperty("run_id").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("job_version").GetString()));
        Assert.True(DateTimeOffset.TryParse(root.GetProperty("created_utc").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        var parameters = root.GetProperty("parameters").EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.Equal(OneOff.Core.Runs.RunParameterTable.All.Select(p => p.Key).Order(), parameters);
        Assert.Equal(3, root.GetProperty("models").GetArrayLength());
        Assert.Equal(
            ["final_loss", "fit_seconds", "iterations", "n_hidden", "stop_reason", "surface_agree", "test_acc", "train_acc"],
            root.GetProperty("models")[0].EnumerateObject().Select(p => p.Name).Order());
        Assert.All(root.GetProperty("models").EnumerateArray(),
            m => Assert.Contains(m.GetProperty("stop_reason").GetString(), new[] { "converged", "max_iter", "line_search" }));
        Assert.Equal(10201, root.GetProperty("rows").GetProperty("grid").GetInt32());
        Assert.Equal(
            ["generate_seconds", "total_seconds", "train_seconds", "write_seconds"],
            root.GetProperty("timings").EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public void Run_LeavesNoTemporaryFiles()
    {
        Assert.All(_folder.Files(), f => Assert.DoesNotContain(".oneoff-tmp-", f, StringComparison.Ordinal));
    }

    private static List<(string Name, string Type)> Describe(string path)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        // A single file: switch off DuckDB's hive auto-detection so the file's own columns are listed.
        command.CommandText = "DESCRIBE SELECT * FROM read_parquet($path, hive_partitioning = false)";
        command.Parameters.Add(new DuckDBParameter("path", path));
        using var reader = command.ExecuteReader();
        var columns = new List<(string, string)>();
        while (reader.Read())
        {
            columns.Add((reader.GetString(0), reader.GetString(1)));
        }

        return columns;
    }

    private static T Scalar<T>(string sql, string path)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add(new DuckDBParameter("path", path));
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static DuckDBConnection Open()
    {
        var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        return connection;
    }
}
