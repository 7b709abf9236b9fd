using System.Globalization;
using System.Security.Cryptography;
using OneOff.Aws.Storage;

namespace OneOff.Jobs.Parameters;

/// <summary>Run ids: <c>yyyyMMdd-HHmmss-</c> (UTC) and 4 random characters of [a-z0-9].</summary>
public static class RunIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A fresh run id from the given clock.</summary>
    public static string New(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        Span<char> suffix = stackalloc char[4];
        for (var i = 0; i < suffix.Length; i++)
        {
            suffix[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return $"{stamp}-{suffix}";
    }

    /// <summary>True for 1–64 characters of [a-z0-9-] starting with a letter or digit.</summary>
    public static bool IsValid(string? runId) => RunKeys.IsValidRunId(runId);
}
