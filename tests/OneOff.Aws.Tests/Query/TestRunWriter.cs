using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace OneOff.Aws.Tests.Query;

/// <summary>
/// Writes a small run folder exactly per ARCHITECTURE.md's "Run outputs" (columns, types, Hive folders, manifest).
/// A stand-in until the real job's output writer is on main.
/// </summary>
internal static class TestRunWriter
{
    public static readonly int[] HiddenSizes = [3, 5];

    public static async Task WriteAsync(string root, string runId, bool publish, int trainSize = 300)
    {
        var folder = Path.Combine(root, "runs", runId);
        var random = new Random(13);
        await WritePointsAsync(Path.Combine(folder, "train"), trainSize, random);
        await WritePointsAsync(Path.Combine(folder, "test"), 200, random);
        var models = new List<object>();
        foreach (var n in HiddenSizes)
        {
            await WriteGridAsync(Path.Combine(folder, "grid", $"n_hidden={n}"), n);
            var agree = 0.5 + (n * 0.05);
            await WriteAsync(Path.Combine(folder, "metrics", $"n_hidden={n}"),
            [
                Column("train_acc", new[] { 0.6 + (n * 0.01) }),
                Column("test_acc", new[] { 0.55 + (n * 0.01) }),
                Column("surface_agree", new[] { agree }),
                Column("iterations", new[] { 10 }),
                Column("final_loss", new[] { 1.0 / n }),
                Column("fit_seconds", new[] { 0.01 }),
            ]);
            await WriteAsync(Path.Combine(folder, "loss", $"n_hidden={n}"),
            [
                Column("iteration", Enumerable.Range(1, 10).ToArray()),
                Column("loss", Enumerable.Range(1, 10).Select(i => 1.1 - (i * 0.05) - (n * 0.01)).ToArray()),
            ]);
            models.Add(new { n_hidden = n, surface_agree = agree });
        }

        if (publish)
        {
            var manifest = new
            {
                schema = 1,
                run_id = runId,
                models,
                best_n_hidden = 5,
                rows = new { train = trainSize, test = 200, grid = 10201 },
            };
            await File.WriteAllTextAsync(Path.Combine(folder, "_manifest.json"), JsonSerializer.Serialize(manifest));
        }
    }

    private static async Task WritePointsAsync(string folder, int count, Random random)
    {
        var ids = new long[count];
        var ranNum = new double[count];
        var classes = new string[count];
        double[] xs = new double[count], os = new double[count], bs = new double[count];
        double[] x0 = new double[count], y0 = new double[count], x = new double[count], y = new double[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = i;
            ranNum[i] = random.NextDouble();
            var u = (random.NextDouble() * 14.2) - 7.1;
            var v = (random.NextDouble() * 14.2) - 7.1;
            classes[i] = TrueClass(u, v);
            xs[i] = classes[i] == "X" ? 1 : 0;
            os[i] = classes[i] == "O" ? 1 : 0;
            bs[i] = classes[i] == "B" ? 1 : 0;
            var c = Math.Sqrt(0.5);
            x0[i] = c * (u - v);
            y0[i] = c * (u + v);
            x[i] = x0[i] + ((random.NextDouble() - 0.5) * 0.8);
            y[i] = y0[i] + ((random.NextDouble() - 0.5) * 0.8);
        }

        await WriteAsync(folder,
        [
            Column("id", ids), Column("ran_num", ranNum), Column("class", classes),
            Column("xscore", xs), Column("oscore", os), Column("bscore", bs),
            Column("x0", x0), Column("y0", y0), Column("x", x), Column("y", y),
        ]);
    }

    private static async Task WriteGridAsync(string folder, int n)
    {
        const int Side = 101;
        var x = new double[Side * Side];
        var y = new double[Side * Side];
        var classes = new string[Side * Side];
        double[] px = new double[Side * Side], po = new double[Side * Side], pb = new double[Side * Side];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = ((i % Side) - 50) * 0.1;
            y[i] = ((i / Side) - 50) * 0.1;
            var c = Math.Sqrt(0.5);
            classes[i] = TrueClass(c * (x[i] + y[i]), c * (y[i] - x[i]) * (n == 3 ? 1.5 : 1));
            px[i] = classes[i] == "X" ? 0.8 : 0.1;
            po[i] = classes[i] == "O" ? 0.8 : 0.1;
            pb[i] = 1 - px[i] - po[i];
        }

        await WriteAsync(folder,
        [
            Column("x", x), Column("y", y), Column("class_pred", classes),
            Column("p_x", px), Column("p_o", po), Column("p_b", pb),
        ]);
    }

    private static string TrueClass(double u, double v) =>
        Math.Abs(u) < 0.5 || Math.Abs(v) < 0.5 ? "X" : Math.Sqrt((u * u) + (v * v)) < 3.5 ? "O" : "B";

    private static (DataField Field, Func<ParquetRowGroupWriter, DataField, Task> Write) Column<T>(string name, T[] values)
        where T : struct =>
        (new DataField<T>(name, nullable: false), (group, field) => group.WriteAsync<T>(field, values.AsMemory()));

    private static (DataField Field, Func<ParquetRowGroupWriter, DataField, Task> Write) Column(string name, string[] values) =>
        (new DataField<string>(name, nullable: false), (group, field) => group.WriteAsync(field, values));

    private static async Task WriteAsync(string folder, (DataField Field, Func<ParquetRowGroupWriter, DataField, Task> Write)[] columns)
    {
        Directory.CreateDirectory(folder);
        var schema = new ParquetSchema(columns.Select(c => (Field)c.Field).ToArray());
        await using var file = File.Create(Path.Combine(folder, "part-0.parquet"));
        await using var writer = await ParquetWriter.CreateAsync(schema, file);
        using var group = writer.CreateRowGroup();
        foreach (var (field, write) in columns)
        {
            await write(group, field);
        }
    }
}
