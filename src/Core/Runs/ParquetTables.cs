using Parquet;
using Parquet.Schema;

namespace OneOff.Core.Runs;

/// <summary>Reads and writes the one-row-group Parquet files of a run's tables, checking the columns on read.</summary>
public static class ParquetTables
{
    /// <summary>Opens a Parquet file that must have every column of <paramref name="expected"/> and one row group.</summary>
    /// <exception cref="InvalidDataException">The file is not readable Parquet, lacks a column or has other than one row group.</exception>
    public static async Task<ParquetReader> OpenAsync(Stream stream, ParquetSchema expected, CancellationToken cancellationToken)
    {
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            throw new InvalidDataException($"Not a readable Parquet file: {e.Message}", e);
        }

        var names = reader.Schema.GetDataFields().Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var missing = expected.GetDataFields().Select(f => f.Name).Where(n => !names.Contains(n)).ToList();
        if (missing.Count > 0 || reader.RowGroupCount != 1)
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw new InvalidDataException(missing.Count > 0
                ? $"The Parquet file lacks the column(s) {string.Join(", ", missing)}."
                : $"The Parquet file has {reader.RowGroupCount} row groups; expected 1.");
        }

        return reader;
    }

    /// <summary>Writes one row group of <paramref name="schema"/> with <paramref name="write"/>; returns the file's bytes.</summary>
    public static async Task<byte[]> WriteAsync(ParquetSchema schema, Func<ParquetRowGroupWriter, Task> write)
    {
        using var stream = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, stream).ConfigureAwait(false))
        {
            using var rg = writer.CreateRowGroup();
            await write(rg).ConfigureAwait(false);
        }

        return stream.ToArray();
    }
}
