using System.Collections.Immutable;
using System.Text.Json;
using OneOff.Aws.Compute;
using OneOff.Aws.Storage;

namespace OneOff.Dashboard.Runs;

/// <summary>What the run list needs from a published run's <c>_manifest.json</c>.</summary>
public sealed record RunManifest(int? BestNHidden, ImmutableDictionary<int, JobModelMetrics> Models)
{
    public static string KeyOf(string runId) => $"runs/{runId}/_manifest.json";

    /// <summary>Reads the manifest of <paramref name="runId"/>; null when the run is not published.</summary>
    public static async Task<RunManifest?> ReadAsync(IObjectStore store, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        byte[] bytes;
        try
        {
            bytes = await store.GetAsync(KeyOf(runId), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;
        int? best = root.TryGetProperty("best_n_hidden", out var b) && b.TryGetInt32(out var bn) ? bn : null;
        var models = ImmutableDictionary.CreateBuilder<int, JobModelMetrics>();
        if (root.TryGetProperty("models", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var m in list.EnumerateArray())
            {
                if (m.TryGetProperty("n_hidden", out var n) && n.TryGetInt32(out var nh))
                {
                    models[nh] = new JobModelMetrics(D(m, "train_acc"), D(m, "test_acc"), D(m, "surface_agree"),
                        m.TryGetProperty("iterations", out var it) && it.TryGetInt32(out var iv) ? iv : 0, D(m, "final_loss"), D(m, "fit_seconds"));
                }
            }
        }

        return new RunManifest(best, models.ToImmutable());
    }

    private static double D(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
}
