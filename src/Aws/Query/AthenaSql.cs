using System.Globalization;
using System.Text;
using OneOff.Core.Query;
using OneOff.Core.Runs;

namespace OneOff.Aws.Query;

/// <summary>
/// How a catalog query becomes what <c>StartQueryExecution</c> sends: the SQL, and one <c>ExecutionParameters</c>
/// value per <c>?</c>, each a Trino literal (Athena UG "Querying with parameterized queries": the values are SQL
/// literal text, a string <c>'abc'</c>, a number <c>42</c>).
/// </summary>
internal static class AthenaSql
{
    /// <summary>
    /// <paramref name="value"/> as a Trino literal: a string single-quoted with its quotes doubled, an integer in
    /// invariant digits, a double in exponent form (<c>5.0E-1</c>: a bare <c>0.5</c> would be a DECIMAL in Trino).
    /// </summary>
    /// <exception cref="ArgumentException">Another type, or a double that is not finite (Trino has no literal for it).</exception>
    public static string Literal(object value) => value switch
    {
        string text => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'",
        int number => number.ToString(CultureInfo.InvariantCulture),
        long number => number.ToString(CultureInfo.InvariantCulture),
        double number when double.IsFinite(number) => DoubleLiteral(number),
        double number => throw new ArgumentException($"{number} has no Trino literal: pass a finite number.", nameof(value)),
        _ => throw new ArgumentException($"A {value?.GetType().Name ?? "null"} has no Trino literal here: pass a string, an int, a long or a double.", nameof(value)),
    };

    /// <summary>
    /// The SQL and parameters to send for <paramref name="command"/>. With <paramref name="inlineValues"/>
    /// (<c>OneOff:Aws:Athena:InlineValues</c>) the run id — a string that is a valid run id, <c>[a-z0-9-]</c> — and the
    /// sizes (integers) are written into the SQL as literals, the one exception to parameters-only; every other value
    /// (the sample fraction) stays a parameter.
    /// </summary>
    public static (string Sql, IReadOnlyList<string> Parameters) Render(QueryCommand command, bool inlineValues)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameters = new List<string>(command.Parameters.Count);
        if (!inlineValues)
        {
            parameters.AddRange(command.Parameters.Select(Literal));
            return (command.Sql, parameters);
        }

        var sql = new StringBuilder(command.Sql.Length + 64);
        var next = 0;
        var quoted = false;
        foreach (var c in command.Sql)
        {
            quoted ^= c == '\'';
            if (c != '?' || quoted)
            {
                sql.Append(c);
                continue;
            }

            var value = command.Parameters[next++];
            if (value is int || (value is string runId && RunKeys.IsValidRunId(runId)))
            {
                sql.Append(Literal(value));
            }
            else
            {
                sql.Append('?');
                parameters.Add(Literal(value));
            }
        }

        return (sql.ToString(), parameters);
    }

    private static string DoubleLiteral(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var exponent = text.IndexOf('E', StringComparison.Ordinal);
        var mantissa = exponent < 0 ? text : text[..exponent];
        if (!mantissa.Contains('.', StringComparison.Ordinal))
        {
            mantissa += ".0";
        }

        return mantissa + (exponent < 0 ? "E0" : text[exponent..]);
    }
}
