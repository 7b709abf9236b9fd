using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OneOff.Core.Configuration;

/// <summary>Registers what every deployment shares, whichever adapters it uses.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>Adds <see cref="DeploymentOptions"/> (bound to <c>OneOff</c>, validated at start) and <see cref="TimeProvider.System"/> unless a clock is registered.</summary>
    public static IServiceCollection AddOneOffCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DeploymentOptions>().BindConfiguration(DeploymentOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeploymentOptions>, DeploymentOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
