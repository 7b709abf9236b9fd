using System.Globalization;

namespace OneOff.Dashboard.Export;

/// <summary>
/// RFC 4180 CSV: fields separated by commas, records ended by CRLF, a field holding a comma, a double quote, CR or LF
/// enclosed in double quotes with its quotes doubled. Numbers in the invariant culture, round-trip precision.
/// </summary>
public static class Csv
{
    /// <summary>The media type of a CSV download.</summary>
    public const string ContentType = "text/csv; charset=utf-8";

    private static readonly char[] s_special = [',', '"', '\r', '\n'];

    /// <summary>A field as it is written: quoted when it must be.</summary>
    public static string Escape(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.IndexOfAny(s_special) < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>One record, its fields escaped, with its CRLF.</summary>
    public static string Line(IReadOnlyList<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return string.Join(',', fields.Select(Escape)) + "\r\n";
    }

    /// <summary>A number as CSV holds it (shortest round-trip form, invariant culture; NaN and infinities by name).</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <inheritdoc cref="Number(double)"/>
    public static string Number(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <inheritdoc cref="Number(double)"/>
    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes the header and every row of <paramref name="table"/>, then flushes.</summary>
    public static async Task WriteAsync(ChartTable table, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(writer);
        await writer.WriteAsync(Line(table.Header).AsMemory(), cancellationToken).ConfigureAwait(false);
        foreach (var row in table.Rows)
        {
            if (row.Count != table.Header.Count)
            {
                throw new InvalidOperationException($"A row of '{table.Chart}' has {row.Count} fields for {table.Header.Count} columns.");
            }

            await writer.WriteAsync(Line(row).AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
