using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OneOff.Core.Query;
using OneOff.Core.Storage;

namespace OneOff.DuckDb;

/// <summary>Registers the embedded query engine of local mode.</summary>
public static class DuckDbServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="DuckDbQueryEngine"/> as the <see cref="IQueryEngine"/>, over the registered
    /// <see cref="FolderObjectStore"/> (local mode's store: register it first).
    /// </summary>
    public static IServiceCollection AddDuckDbQueryEngine(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp => new DuckDbQueryEngine(
            sp.GetRequiredService<FolderObjectStore>(),
            sp.GetService<ILogger<DuckDbQueryEngine>>()));
        services.TryAddSingleton<IQueryEngine>(sp => sp.GetRequiredService<DuckDbQueryEngine>());
        return services;
    }
}
