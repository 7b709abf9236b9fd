using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace OneOff.Testing;

/// <summary>
/// What a run folder holds, read straight from its Parquet files with Parquet.Net and from its manifest:
/// the truth the query engines are checked against (independently of any SQL engine).
/// </summary>
public sealed class ExpectedRun
{
    private ExpectedRun(
        IReadOnlyDictionary<string, Array> train,
        IReadOnlyDictionary<string, Array> test,
        IReadOnlyDictionary<int, IReadOnlyDictionary<string, Array>> grids,
        IReadOnlyDictionary<int, IReadOnlyDictionary<string, Array>> metrics,
        IReadOnlyDictionary<int, IReadOnlyDictionary<string, Array>> losses,
        JsonElement manifest)
    {
        Train = train;
        Test = test;
        Grids = grids;
        Metrics = metrics;
        Losses = losses;
        Manifest = manifest;
    }

    public IReadOnlyDictionary<string, Array> Train { get; }

    public IReadOnlyDictionary<string, Array> Test { get; }

    /// <summary>Per hidden size: the grid's columns in file order.</summary>
    public IReadOnlyDictionary<int, IReadOnlyDictionary<string, Array>> Grids { get; }

    public IReadOnlyDictionary<int, IReadOnlyDictionary<string, Array>> Metrics { get; }

    public IReadOnlyDictionary<int, IReadOnlyDictionary<string, Array>> Losses { get; }

    public JsonElement Manifest { get; }

    public int[] HiddenSizes => [.. Metrics.Keys.Order()];

    public int BestNHidden => Manifest.GetProperty("best_n_hidden").GetInt32();

    public long ManifestRows(string table) => Manifest.GetProperty("rows").GetProperty(table).GetInt64();

    public static async Task<ExpectedRun> ReadAsync(string runFolder)
    {
        var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(runFolder, "_manifest.json"))).RootElement.Clone();
        return new ExpectedRun(
            await ReadFolderAsync(Path.Combine(runFolder, "train")),
            await ReadFolderAsync(Path.Combine(runFolder, "test")),
            await ReadPartitionsAsync(Path.Combine(runFolder, "grid")),
            await ReadPartitionsAsync(Path.Combine(runFolder, "metrics")),
            await ReadPartitionsAsync(Path.Combine(runFolder, "loss")),
            manifest);
    }

    private static async Task<IReadOnlyDictionary<int, IReadOnlyDictionary<string, Array>>> ReadPartitionsAsync(string folder)
    {
        var result = new Dictionary<int, IReadOnlyDictionary<string, Array>>();
        foreach (var partition in Directory.GetDirectories(folder, "n_hidden=*"))
        {
            var n = int.Parse(Path.GetFileName(partition)["n_hidden=".Length..], System.Globalization.CultureInfo.InvariantCulture);
            result[n] = await ReadFolderAsync(partition);
        }

        return result;
    }

    private static async Task<IReadOnlyDictionary<string, Array>> ReadFolderAsync(string folder)
    {
        var columns = new Dictionary<string, List<Array>>(StringComparer.Ordinal);
        foreach (var path in Directory.GetFiles(folder, "*.parquet").Order(StringComparer.Ordinal))
        {
            await using var file = File.OpenRead(path);
            await using var reader = await ParquetReader.CreateAsync(file);
            var fields = reader.Schema.GetDataFields();
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var rows = (int)group.RowCount;
                foreach (var field in fields)
                {
                    if (!columns.TryGetValue(field.Name, out var parts))
                    {
                        columns[field.Name] = parts = [];
                    }

                    parts.Add(await ReadColumnAsync(group, field, rows));
                }
            }
        }

        return columns.ToDictionary(c => c.Key, c => Concat(c.Value), StringComparer.Ordinal);
    }

    private static async Task<Array> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int rows)
    {
        if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>))
        {
            var strings = new string?[rows];
            await group.ReadAsync(field, strings.AsMemory());
            return strings.Select(v => v ?? throw new InvalidDataException($"Column {field.Name} has a null.")).ToArray();
        }

        return field.ClrType == typeof(double) ? await ReadAsync<double>(group, field, rows)
            : field.ClrType == typeof(long) ? await ReadAsync<long>(group, field, rows)
            : field.ClrType == typeof(int) ? await ReadAsync<int>(group, field, rows)
            : throw new InvalidDataException($"Column {field.Name} has the unexpected type {field.ClrType}.");
    }

    private static async Task<T[]> ReadAsync<T>(ParquetRowGroupReader group, DataField field, int rows)
        where T : struct
    {
        if (!field.IsNullable)
        {
            var values = new T[rows];
            await group.ReadAsync(field, values.AsMemory());
            return values;
        }

        var nullable = new T?[rows];
        await group.ReadAsync(field, nullable.AsMemory());
        return [.. nullable.Select(v => v ?? throw new InvalidDataException($"Column {field.Name} has a null."))];
    }

    private static Array Concat(List<Array> parts)
    {
        var total = parts.Sum(p => p.Length);
        var result = Array.CreateInstance(parts[0].GetType().GetElementType()!, total);
        var offset = 0;
        foreach (var part in parts)
        {
            Array.Copy(part, 0, result, offset, part.Length);
            offset += part.Length;
        }

        return result;
    }
}
