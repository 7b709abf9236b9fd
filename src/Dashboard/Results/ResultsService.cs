using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using OneOff.Core.Query;
using OneOff.Core.Storage;
using OneOff.Core.Runs;
using OneOff.Core.Compute;

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
public sealed partial class ResultsService(
    HybridCache cache, IQueryEngine engine, IObjectStore store, IOptions<ResultsCacheOptions> options, ILogger<ResultsService> logger)
{
    private readonly long _maximumPayloadBytes = options.Value.MaximumPayloadBytes;

    private static readonly HybridCacheEntryOptions s_entryOptions = new()
    {
        // Until the run is deleted (RemoveByTagAsync) or the memory budget pushes the entry out.
        Expiration = TimeSpan.FromDays(365),
        LocalCacheExpiration = TimeSpan.FromDays(365),
    };

    /// <summary>A published run whose manifest is gone: nothing of it can be read (also what the adoption pass records).</summary>
    internal static RunResults ManifestMissing { get; } =
        new(null, null, null, null, null, null) { Damage = ["its manifest is missing, so none of its results can be read"] };

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
    /// <paramref name="bestNHidden"/> (the run record's) when given, else the one the metrics name. Each part is
    /// read on its own: a part that cannot be read is null, and <see cref="RunResults.Damage"/> names it in plain
    /// words (the details, paths and engine errors, go to the log), so that one damaged file hides only what it
    /// holds. A missing or unreadable manifest, and a hidden size missing from the metrics, surfaces or loss curves
    /// (against the manifest's models, else <paramref name="expectedSizes"/>), are damage too.
    /// </summary>
    public async Task<RunResults> GetRunResultsAsync(
        string runId, double sampleFraction = 1, int? bestNHidden = null, IReadOnlyCollection<int>? expectedSizes = null,
        CancellationToken cancellationToken = default)
    {
        RunKeys.ThrowIfInvalidRunId(runId);
        var damage = new List<string>();
        RunManifest? manifest = null;
        try
        {
            manifest = await new StoreProgress(store).ReadManifestAsync(runId, cancellationToken).ConfigureAwait(false);
            if (manifest is null)
            {
                LogPartUnreadable(null, runId, "manifest (missing)");
                return ManifestMissing;
            }
        }
        catch (InvalidDataException e)
        {
            LogPartUnreadable(e, runId, "manifest");
            damage.Add("its manifest cannot be read");
        }

        var training = TryAsync(GetTrainingDataAsync(runId, sampleFraction, cancellationToken), runId, "the training data");
        var fractions = TryAsync(GetClassFractionsAsync(runId, cancellationToken), runId, "the class counts");
        var metrics = TryAsync(GetMetricsAsync(runId, cancellationToken), runId, "the metrics");
        var surfaces = TryAsync(GetAllSurfacesAsync(runId, cancellationToken), runId, "the decision surfaces");
        var loss = TryAsync(GetLossCurvesAsync(runId, cancellationToken), runId, "the loss curves");
        var metricsRead = await metrics.ConfigureAwait(false);
        var best = bestNHidden ?? manifest?.BestNHidden ?? metricsRead.Value?.BestNHidden;
        var bestSurface = best is { } n
            ? await TryAsync(GetDecisionSurfaceAsync(runId, n, cancellationToken), runId, $"the decision surface of N = {Invariant(n)}").ConfigureAwait(false)
            : default;
        await Task.WhenAll(training, fractions, surfaces, loss).ConfigureAwait(false);
        var trainingRead = await training.ConfigureAwait(false);
        var fractionsRead = await fractions.ConfigureAwait(false);
        var surfacesRead = await surfaces.ConfigureAwait(false);
        var lossRead = await loss.ConfigureAwait(false);
        if (new[] { trainingRead.Failure, fractionsRead.Failure, metricsRead.Failure, surfacesRead.Failure, lossRead.Failure, bestSurface.Failure }
            .FirstOrDefault(f => f is not null) is { } failure)
        {
            // The engine could not answer (not the run's files): the page says why and offers to try again.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        foreach (var problem in new[] { trainingRead.Problem, fractionsRead.Problem, metricsRead.Problem, surfacesRead.Problem, lossRead.Problem })
        {
            if (problem is not null)
            {
                damage.Add(problem);
            }
        }

        var expected = manifest is not null ? [.. manifest.Models.Select(m => m.NHidden)] : expectedSizes ?? [];
        AddMissing(damage, "the metrics", expected, metricsRead.Value?.Models.Select(m => m.NHidden));
        AddMissing(damage, "the decision surfaces", expected, surfacesRead.Value?.NHidden);
        AddMissing(damage, "the loss curves", expected, lossRead.Value?.Curves.Select(c => c.NHidden));
        if (bestSurface.Problem is not null && surfacesRead.Value is { } set && set.NHidden.Contains(best ?? -1))
        {
            damage.Add(bestSurface.Problem);
        }

        if (damage.Count > 0)
        {
            LogDamaged(runId, string.Join("; ", damage));
        }

        return new RunResults(trainingRead.Value, fractionsRead.Value, metricsRead.Value, bestSurface.Value, surfacesRead.Value, lossRead.Value)
        {
            BestNHidden = best,
            Damage = [.. damage],
        };
    }

    /// <summary>Drops every cached result of a run; call it when the run is deleted (after its files are gone).</summary>
    public ValueTask EvictRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        RunKeys.ThrowIfInvalidRunId(runId);
        return cache.RemoveByTagAsync(RunTag(runId), cancellationToken);
    }

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    private static void AddMissing(List<string> damage, string part, IEnumerable<int> expected, IEnumerable<int>? found)
    {
        if (found is null)
        {
            return;
        }

        var missing = expected.Except(found).Order().Select(n => Invariant(n)).ToList();
        if (missing.Count > 0)
        {
            damage.Add($"{part} of N = {string.Join(", ", missing)} are missing");
        }
    }

    private async Task<Read<T>> TryAsync<T>(ValueTask<T> query, string runId, string part)
        where T : class
    {
        try
        {
            return new Read<T>(await query.ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is InvalidDataException or ModelNotFoundException or RunNotPublishedException)
        {
            LogPartUnreadable(e, runId, part);
            return new Read<T>(null, $"{part} cannot be read");
        }
        catch (QueryFailedException e)
        {
            // The engine could not answer (Athena failed, timed out, …), not the run's files: not damage. Kept until
            // every part has been awaited, then thrown, so the page says why with a Retry.
            return new Read<T>(null, null, e);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Run {RunId}: {Part} cannot be read")]
    private partial void LogPartUnreadable(Exception? exception, string runId, string part);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "The outputs of run {RunId} are damaged: {Damage}")]
    private partial void LogDamaged(string runId, string damage);

    private readonly record struct Read<T>(T? Value, string? Problem, Exception? Failure = null)
        where T : class;

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
