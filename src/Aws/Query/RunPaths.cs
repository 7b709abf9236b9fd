using OneOff.Aws.Storage;

namespace OneOff.Aws.Query;

/// <summary>Run ids as the query engines accept them, and the object keys of a run's outputs.</summary>
public static class RunPaths
{
    /// <summary>The key of the file whose existence makes a run published.</summary>
    public static string ManifestKey(string runId)
    {
        ValidateRunId(runId);
        return RunKeys.Manifest(runId);
    }

    /// <summary>The key prefix under which every output of a run lies (<c>runs/{runId}/</c>).</summary>
    public static string RunPrefix(string runId)
    {
        ValidateRunId(runId);
        return RunKeys.Run(runId);
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="runId"/> is 1–64 characters of [a-z0-9-] starting with a letter or digit.</summary>
    public static void ValidateRunId(string runId)
    {
        ArgumentNullException.ThrowIfNull(runId);
        if (!RunKeys.IsValidRunId(runId))
        {
            throw new ArgumentException(
                $"'{Truncate(runId)}' is not a run id: use 1–64 characters of a–z, 0–9 and '-', starting with a letter or digit.",
                nameof(runId));
        }
    }

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
