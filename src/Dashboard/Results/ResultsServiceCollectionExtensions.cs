using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OneOff.Core.Query;
using OneOff.Core.Storage;
using OneOff.DuckDb;

namespace OneOff.Dashboard.Results;

public static class ResultsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ResultsService"/> and its <see cref="HybridCache"/>: payload limit and memory budget from
    /// <see cref="ResultsCacheOptions"/> (section <c>OneOff:Results</c>), compact serializers for every result type.
    /// The query engine defaults to <see cref="DuckDbQueryEngine"/> over the registered <see cref="FolderObjectStore"/>;
    /// register another <see cref="IQueryEngine"/> (Athena) before or after to replace it.
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

        services.TryAddSingleton<IQueryEngine>(provider => new DuckDbQueryEngine(
            provider.GetRequiredService<IObjectStore>() as FolderObjectStore
                ?? throw new InvalidOperationException("DuckDbQueryEngine reads a local folder: register a FolderObjectStore as IObjectStore, or register the Athena IQueryEngine in Aws mode."),
            provider.GetService<ILogger<DuckDbQueryEngine>>()));
        services.TryAddSingleton<ResultsService>();
        return services;
    }
}
