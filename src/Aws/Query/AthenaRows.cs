using System.Collections;
using System.Data.Common;
using System.Globalization;
using System.Text;
using OneOff.Aws.Clients.Athena.Models;

namespace OneOff.Aws.Query;

/// <summary>
/// Athena's result cells (text, null for SQL NULL) as a forward-only <see cref="DbDataReader"/>, so that the
/// catalog's <see cref="Core.Query.QueryResultReaders"/> read Athena's answers as they read DuckDB's. Values are
/// parsed with the invariant culture; <see cref="GetValue"/> types a cell by its column's Athena type
/// (<c>integer</c>, <c>bigint</c>, <c>double</c>, …; text otherwise).
/// </summary>
internal sealed class AthenaRows(IReadOnlyList<ColumnInfo> columns, IReadOnlyList<IReadOnlyList<string?>> rows) : DbDataReader
{
    private int _index = -1;

    public override int FieldCount => columns.Count;

    public override int RecordsAffected => -1;

    public override bool HasRows => rows.Count > 0;

    public override bool IsClosed => false;

    public override int Depth => 0;

    public override object this[int ordinal] => GetValue(ordinal);

    public override object this[string name] => GetValue(GetOrdinal(name));

    public override bool Read() => ++_index < rows.Count;

    public override bool NextResult() => false;

    public override bool IsDBNull(int ordinal) => Cell(ordinal) is null;

    public override string GetString(int ordinal) => Cell(ordinal) ?? throw Null(ordinal);

    public override double GetDouble(int ordinal) => double.Parse(GetString(ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);

    public override float GetFloat(int ordinal) => float.Parse(GetString(ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);

    public override int GetInt32(int ordinal) => int.Parse(GetString(ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public override long GetInt64(int ordinal) => long.Parse(GetString(ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public override short GetInt16(int ordinal) => short.Parse(GetString(ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public override byte GetByte(int ordinal) => byte.Parse(GetString(ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public override bool GetBoolean(int ordinal) => bool.Parse(GetString(ordinal));

    public override decimal GetDecimal(int ordinal) => decimal.Parse(GetString(ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);

    public override char GetChar(int ordinal) => GetString(ordinal)[0];

    public override DateTime GetDateTime(int ordinal) => DateTime.Parse(GetString(ordinal), CultureInfo.InvariantCulture);

    public override Guid GetGuid(int ordinal) => Guid.Parse(GetString(ordinal));

    public override object GetValue(int ordinal)
    {
        if (Cell(ordinal) is null)
        {
            return DBNull.Value;
        }

        return TypeOf(ordinal) switch
        {
            "integer" or "int" or "smallint" or "tinyint" => GetInt32(ordinal),
            "bigint" => GetInt64(ordinal),
            "double" or "real" or "float" => GetDouble(ordinal),
            "boolean" => GetBoolean(ordinal),
            _ => GetString(ordinal),
        };
    }

    public override int GetValues(object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = Math.Min(values.Length, FieldCount);
        for (var i = 0; i < n; i++)
        {
            values[i] = GetValue(i);
        }

        return n;
    }

    public override string GetName(int ordinal) => columns[ordinal].Name;

    public override int GetOrdinal(string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new IndexOutOfRangeException($"No column '{name}' in the result.");
    }

    public override string GetDataTypeName(int ordinal) => TypeOf(ordinal);

    [return: System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(
        System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicFields | System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties)]
    public override Type GetFieldType(int ordinal) => TypeOf(ordinal) switch
    {
        "integer" or "int" or "smallint" or "tinyint" => typeof(int),
        "bigint" => typeof(long),
        "double" or "real" or "float" => typeof(double),
        "boolean" => typeof(bool),
        _ => typeof(string),
    };

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => throw new NotSupportedException();

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => throw new NotSupportedException();

    public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);

    private string TypeOf(int ordinal) => columns.Count > ordinal ? columns[ordinal].Type.ToLowerInvariant() : "varchar";

    private string? Cell(int ordinal)
    {
        if (_index < 0 || _index >= rows.Count)
        {
            throw new InvalidOperationException("There is no current row: call Read first.");
        }

        var row = rows[_index];
        return ordinal < row.Count ? row[ordinal] : throw new IndexOutOfRangeException($"Row {_index} has {row.Count} cells, not {ordinal + 1}.");
    }

    private InvalidCastException Null(int ordinal) => new($"Column '{GetName(ordinal)}' of row {_index} is NULL.");
}

/// <summary>
/// Reads the result CSV Athena writes beside every SELECT (Athena UG "Working with query results": one header row,
/// values double-quoted, a quote inside doubled; a NULL is an empty, unquoted field). RFC 4180 otherwise: fields
/// may hold commas and line breaks inside quotes.
/// </summary>
internal static class AthenaCsv
{
    /// <summary>Every row after the header, each cell text or null (an unquoted empty field).</summary>
    /// <exception cref="InvalidDataException">A quoted field never closes.</exception>
    public static async Task<IReadOnlyList<IReadOnlyList<string?>>> ReadAsync(Stream csv, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(csv);
        using var reader = new StreamReader(csv, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var rows = Parse(text);
        return rows.Count == 0 ? rows : rows.GetRange(1, rows.Count - 1);
    }

    /// <summary>Every row of <paramref name="text"/>, the header included.</summary>
    public static List<IReadOnlyList<string?>> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rows = new List<IReadOnlyList<string?>>();
        var row = new List<string?>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            string? value;
            if (text[i] == '"')
            {
                i++;
                field.Clear();
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new InvalidDataException("The result CSV ends inside a quoted field.");
                    }

                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(text[i++]);
                }

                value = field.ToString();
                // Anything between the closing quote and the separator is kept, as lenient readers do.
                var rest = i;
                while (i < text.Length && text[i] is not (',' or '\n' or '\r'))
                {
                    i++;
                }

                value += text[rest..i];
            }
            else
            {
                var start = i;
                while (i < text.Length && text[i] is not (',' or '\n' or '\r'))
                {
                    i++;
                }

                value = i == start ? null : text[start..i];
            }

            row.Add(value);
            if (i < text.Length && text[i] == ',')
            {
                i++;
                if (i == text.Length)
                {
                    row.Add(null);
                }

                continue;
            }

            if (i < text.Length && text[i] == '\r')
            {
                i++;
            }

            if (i < text.Length && text[i] == '\n')
            {
                i++;
            }

            rows.Add(row);
            row = [];
        }

        if (row.Count > 0)
        {
            rows.Add(row);
        }

        return rows;
    }
}
