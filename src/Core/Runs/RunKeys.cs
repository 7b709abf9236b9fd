using System.Globalization;
using System.Security.Cryptography;

namespace OneOff.Core.Runs;

/// <summary>
/// The one home of the run-id rule and of the object keys of a run's outputs (identical in a folder and on S3),
/// shared by the job that writes them, the runners that follow its progress, the query engines that read them and
/// the dashboard that names new runs.
/// </summary>
public static class RunKeys
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A fresh run id from the given clock: <c>yyyyMMdd-HHmmss-</c> (UTC) and 4 random characters of [a-z0-9].</summary>
    public static string NewRunId(TimeProvider time)
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

    /// <summary>True for a run id: 1–64 characters of [a-z0-9-], starting with a letter or digit.</summary>
    public static bool IsValidRunId(string? runId)
    {
        if (string.IsNullOrEmpty(runId) || runId.Length > 64 || runId[0] == '-')
        {
            return false;
        }

        foreach (var c in runId)
        {
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws unless <paramref name="runId"/> is a run id (<see cref="IsValidRunId"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="runId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="runId"/> is not a run id; the message says what one is.</exception>
    public static void ThrowIfInvalidRunId(string runId)
    {
        ArgumentNullException.ThrowIfNull(runId);
        if (!IsValidRunId(runId))
        {
            var shown = runId.Length <= 80 ? runId : runId[..80] + "…";
            throw new ArgumentException(
                $"'{shown}' is not a run id: use 1–64 characters of a–z, 0–9 and '-', starting with a letter or digit.",
                nameof(runId));
        }
    }

    /// <summary>The prefix of every object of a run: <c>runs/{runId}/</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="runId"/> is not a run id.</exception>
    public static string Run(string runId) => $"runs/{Checked(runId)}/";

    /// <summary><c>runs/{runId}/train/part-0.parquet</c>.</summary>
    public static string Train(string runId) => $"runs/{Checked(runId)}/train/part-0.parquet";

    /// <summary><c>runs/{runId}/test/part-0.parquet</c>.</summary>
    public static string Test(string runId) => $"runs/{Checked(runId)}/test/part-0.parquet";

    /// <summary><c>runs/{runId}/grid/n_hidden={N}/part-0.parquet</c>.</summary>
    public static string Grid(string runId, int nHidden) => Partition(runId, "grid", nHidden);

    /// <summary><c>runs/{runId}/metrics/n_hidden={N}/part-0.parquet</c>.</summary>
    public static string Metrics(string runId, int nHidden) => Partition(runId, "metrics", nHidden);

    /// <summary><c>runs/{runId}/loss/n_hidden={N}/part-0.parquet</c>.</summary>
    public static string Loss(string runId, int nHidden) => Partition(runId, "loss", nHidden);

    /// <summary><c>runs/{runId}/metrics/</c>: the folder whose partitions show a run's progress.</summary>
    public static string MetricsPrefix(string runId) => $"runs/{Checked(runId)}/metrics/";

    /// <summary><c>runs/{runId}/_manifest.json</c>, written last: the run is published when it exists.</summary>
    public static string Manifest(string runId) => $"runs/{Checked(runId)}/_manifest.json";

    /// <summary><c>runs/{runId}/_parameters.json</c>, written by <c>generate</c> for the EMR steps.</summary>
    public static string Parameters(string runId) => $"runs/{Checked(runId)}/_parameters.json";

    /// <summary>The hidden size of a <c>…/n_hidden={N}/…</c> key, or null.</summary>
    public static int? NHiddenOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        const string marker = "/n_hidden=";
        var at = key.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = at + marker.Length;
        var end = key.IndexOf('/', start);
        var text = end < 0 ? key[start..] : key[start..end];
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static string Checked(string runId)
    {
        ThrowIfInvalidRunId(runId);
        return runId;
    }

    private static string Partition(string runId, string table, int nHidden) =>
        string.Create(CultureInfo.InvariantCulture, $"runs/{Checked(runId)}/{table}/n_hidden={nHidden}/part-0.parquet");
}
