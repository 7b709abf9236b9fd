using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using OneOff.Core.Query;
using OneOff.Core.Storage;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Results;

/// <summary>
/// The run page's data: the <see cref="IQueryEngine"/> catalog behind a <see cref="HybridCache"/>. A published run's
/// results never change, so each is cached (in compact form) until the run is deleted
/// (<see cref="EvictRunAsync"/>), within the budget of <see cref="ResultsCacheOptions"/>; identical concurrent
/// requests share one execution. A run without <c>_manifest.json</c> is refused with
/// <see cref="RunNotPublishedException"/> before the engine is asked anything, and nothing is cached for it.
/// A result larger than <see cref="ResultsCacheOptions.MaximumPayloadBytes"/> is served but not kept (HybridCache
/// would keep it without counting it against the memory budget).
/// </summary>
public sealed class ResultsService(HybridCache cache, IQueryEngine engine, IObjectStore store, IOptions<ResultsCacheOptions> options)
{
    private readonly long _maximumPayloadBytes = options.Value.MaximumPayloadBytes;

    private static readonly HybridCacheEntryOptions s_entryOptions = new()
    {
        // Until the run is deleted (RemoveByTagAsync) or the memory budget pushes the entry out.
        Expiration = TimeSpan.FromDays(365),
        LocalCacheExpiration = TimeSpan.FromDays(365),
    };

    /// <summary>Most training points the run page plots (a larger run is sampled by <c>ran_num</c>).</summary>
    public const int MaxPlottedPoints = 50_000;

    /// <summary>The sample fraction that plots at most <see cref="MaxPlottedPoints"/> of <paramref name="rows"/> points (1 for the default 15 000).</summary>
    public static double PlotSampleFraction(long rows) => rows <= MaxPlottedPoints ? 1 : (double)MaxPlottedPoints / rows;

    /// <summary>The cache tag of every entry of a run.</summary>
    public static string RunTag(string runId) => "run:" + runId;

    public ValueTask<PointSet> GetTrainingDataAsync(string runId, double sampleFraction = 1, CancellationToken cancellationToken = default) =>
        GetAsync(QueryCatalog.TrainingData, runId, Invariant(sampleFraction), (e, ct) => e.GetTrainingDataAsync(runId, sampleFraction, ct), cancellationToken);

    public ValueTask<PointSet> GetTestDataAsync(string runId, double sampleFraction = 1, CancellationToken cancellationToken = default) =>
        GetAsync(QueryCatalog.TestData, runId, Invariant(sampleFraction), (e, ct) => e.GetTestDataAsync(runId, sampleFraction, ct), cancellationToken);

    public ValueTask<ClassFractions> GetClassFractionsAsync(string runId, CancellationToken cancellationToken = default) =>
        GetAsync(QueryCatalog.ClassFractions, runId, null, (e, ct) => e.GetClassFractionsAsync(runId, ct), cancellationToken);

    public ValueTask<DecisionSurface> GetDecisionSurfaceAsync(string runId, int nHidden, CancellationToken cancellationToken = default) =>
        GetAsync(QueryCatalog.DecisionSurface, runId, Invariant(nHidden), (e, ct) => e.GetDecisionSurfaceAsync(runId, nHidden, ct), cancellationToken);

    public ValueTask<SurfaceSet> GetAllSurfacesAsync(string runId, CancellationToken cancellationToken = default) =>
        GetAsync(QueryCatalog.AllSurfaces, runId, null, (e, ct) => e.GetAllSurfacesAsync(runId, ct), cancellationToken);

    public ValueTask<RunMetrics> GetMetricsAsync(string runId, CancellationToken cancellationToken = default) =>
        GetAsync(QueryCatalog.Metrics, runId, null, (e, ct) => e.GetMetricsAsync(runId, ct), cancellationToken);

    public ValueTask<LossCurves> GetLossCurvesAsync(string runId, CancellationToken cancellationToken = default) =>
        GetAsync(QueryCatalog.LossCurves, runId, null, (e, ct) => e.GetLossCurvesAsync(runId, ct), cancellationToken);

    /// <summary>
    /// Everything the run page plots, its queries run concurrently, with the surface of the best size:
    /// <paramref name="bestNHidden"/> (the run record's) when given, else the one the metrics name.
    /// </summary>
    public async Task<RunResults> GetRunResultsAsync(string runId, double sampleFraction = 1, int? bestNHidden = null, CancellationToken cancellationToken = default)
    {
        var training = GetTrainingDataAsync(runId, sampleFraction, cancellationToken).AsTask();
        var fractions = GetClassFractionsAsync(runId, cancellationToken).AsTask();
        var metrics = GetMetricsAsync(runId, cancellationToken).AsTask();
        var surfaces = GetAllSurfacesAsync(runId, cancellationToken).AsTask();
        var loss = GetLossCurvesAsync(runId, cancellationToken).AsTask();
        var best = bestNHidden ?? (await metrics.ConfigureAwait(false)).BestNHidden;
        var bestSurface = best is { } n ? await GetDecisionSurfaceAsync(runId, n, cancellationToken).ConfigureAwait(false) : null;
        await Task.WhenAll(training, fractions, surfaces, loss).ConfigureAwait(false);
        return new RunResults(await training.ConfigureAwait(false), await fractions.ConfigureAwait(false), await metrics.ConfigureAwait(false),
            bestSurface, await surfaces.ConfigureAwait(false), await loss.ConfigureAwait(false)) { BestNHidden = best };
    }

    /// <summary>Drops every cached result of a run; call it when the run is deleted (after its files are gone).</summary>
    public ValueTask EvictRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        RunKeys.ThrowIfInvalidRunId(runId);
        return cache.RemoveByTagAsync(RunTag(runId), cancellationToken);
    }

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    private async ValueTask<T> GetAsync<T>(
        QueryDefinition query, string runId, string? argument, Func<IQueryEngine, CancellationToken, Task<T>> ask, CancellationToken cancellationToken)
    {
        RunKeys.ThrowIfInvalidRunId(runId);
        var key = argument is null ? $"{query.Name}/{runId}" : $"{query.Name}/{runId}/{argument}";
        var oversize = new StrongBox<bool>();
        var value = await cache.GetOrCreateAsync(
            key,
            (Engine: engine, Store: store, RunId: runId, Ask: ask, Limit: _maximumPayloadBytes, Oversize: oversize),
            static async (state, ct) =>
            {
                // Checked here, on a miss only: a cached run is published (deleting it evicts its entries).
                if (!await state.Store.ExistsAsync(RunKeys.Manifest(state.RunId), ct).ConfigureAwait(false))
                {
                    throw new RunNotPublishedException(state.RunId);
                }

                var result = await state.Ask(state.Engine, ct).ConfigureAwait(false);
                state.Oversize.Value = CompactResultSerializer.SizeOf(result) > state.Limit;
                return result;
            },
            s_entryOptions,
            [RunTag(runId)],
            cancellationToken).ConfigureAwait(false);
        if (oversize.Value)
        {
            await cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        }

        return value;
    }
}
