using System.Text;

namespace OneOff.Dashboard.Tests.Export;

/// <summary>A strict RFC 4180 reader for the tests: CRLF records, quoted fields with doubled quotes; anything else throws.</summary>
internal static class CsvParser
{
    public static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FormatException("An unterminated quoted field.");
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
            }
            else
            {
                while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    if (text[i] == '"')
                    {
                        throw new FormatException($"A quote inside an unquoted field at {i}.");
                    }

                    field.Append(text[i++]);
                }
            }

            fields.Add(field.ToString());
            field.Clear();
            if (i < text.Length && text[i] == ',')
            {
                i++;
                continue;
            }

            if (i + 1 < text.Length && text[i] == '\r' && text[i + 1] == '\n')
            {
                i += 2;
                records.Add([.. fields]);
                fields.Clear();
                continue;
            }

            throw new FormatException($"A record not ended by CRLF at {i}.");
        }

        if (fields.Count > 0)
        {
            throw new FormatException("The last record has no CRLF.");
        }

        return records;
    }
}
