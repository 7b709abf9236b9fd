using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OneOff.Core.Query;

namespace OneOff.Dashboard.Results;

public static class ResultsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ResultsService"/> and its <see cref="HybridCache"/>: payload limit and memory budget from
    /// <see cref="ResultsCacheOptions"/> (section <c>OneOff:Results</c>), compact serializers for every result type.
    /// The <see cref="IQueryEngine"/> is the mode's adapter, registered by the composition root.
    /// </summary>
    /// <remarks>
    /// The memory budget is the <see cref="Microsoft.Extensions.Caching.Memory.MemoryCacheOptions.SizeLimit"/> of the
    /// app's <c>IMemoryCache</c>, which HybridCache uses as its local tier: anything else that writes to
    /// <c>IMemoryCache</c> must give its entries a size.
    /// </remarks>
    public static IServiceCollection AddOneOffResults(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<ResultsCacheOptions>()
            .BindConfiguration(ResultsCacheOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ResultsCacheOptions>, ValidateResultsCacheOptions>());
        services.AddMemoryCache();
        services.AddOptions<Microsoft.Extensions.Caching.Memory.MemoryCacheOptions>()
            .Configure<IOptions<ResultsCacheOptions>>((memory, results) =>
            {
                memory.SizeLimit = results.Value.MemoryBudgetBytes;
                memory.TrackStatistics = true;
            });
        services.AddOptions<HybridCacheOptions>()
            .Configure<IOptions<ResultsCacheOptions>>((hybrid, results) => hybrid.MaximumPayloadBytes = results.Value.MaximumPayloadBytes);
        services.AddHybridCache()
            .AddSerializer<PointSet, CompactResultSerializer>()
            .AddSerializer<ClassFractions, CompactResultSerializer>()
            .AddSerializer<DecisionSurface, CompactResultSerializer>()
            .AddSerializer<SurfaceSet, CompactResultSerializer>()
            .AddSerializer<RunMetrics, CompactResultSerializer>()
            .AddSerializer<LossCurves, CompactResultSerializer>();

        services.TryAddSingleton<ResultsService>();
        return services;
    }
}
