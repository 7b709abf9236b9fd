using System.Text.Encodings.Web;

namespace OneOff.Aws.Clients;

/// <summary>
/// Escapes strings exactly as JavaScript's <c>JSON.stringify</c> does (and so as the AWS SDK for JavaScript
/// sends them): only <c>"</c>, <c>\</c>, the C0 controls and unpaired surrogates are escaped, with the short
/// forms <c>\b \f \n \r \t</c> and lowercase <c>\u00xx</c> otherwise; everything else is written as UTF-8.
/// The request body's SHA-256 is signed, so byte-equal bodies are what makes a signature equal.
/// </summary>
internal sealed class JsonStringifyEncoder : JavaScriptEncoder
{
    public static readonly JsonStringifyEncoder Instance = new();

    private JsonStringifyEncoder()
    {
    }

    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar < 0x20 || unicodeScalar == '"' || unicodeScalar == '\\' || unicodeScalar is >= 0xD800 and <= 0xDFFF;

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (var i = 0; i < textLength; i++)
        {
            var c = text[i];
            if (c < 0x20 || c == '"' || c == '\\')
            {
                return i;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < textLength && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }

                return i;
            }

            if (char.IsLowSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var text = WillEncode(unicodeScalar) ? Escape(unicodeScalar) : char.ConvertFromUtf32(unicodeScalar);
        if (text.Length > bufferLength)
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            buffer[i] = text[i];
        }

        numberOfCharactersWritten = text.Length;
        return true;
    }

    private static string Escape(int scalar) => scalar switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\b' => "\\b",
        '\f' => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => $"\\u{scalar:x4}",
    };
}
