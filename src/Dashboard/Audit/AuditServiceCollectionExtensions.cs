using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OneOff.Dashboard.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AuditLog"/> and its retention (<see cref="AuditOptions"/>, section <c>OneOff:Audit</c>).
    /// Call after the database initializer's hosted service: retention prunes at start, once the database is migrated.
    /// </summary>
    public static IServiceCollection AddOneOffAudit(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>());
        services.TryAddSingleton<AuditLog>();
        services.AddHostedService<AuditRetention>();
        return services;
    }
}
