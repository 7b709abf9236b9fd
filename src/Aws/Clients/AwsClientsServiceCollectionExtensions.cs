using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OneOff.Aws.Clients.Athena;
using OneOff.Aws.Clients.Emr;

namespace OneOff.Aws.Clients;

/// <summary>Registers OneOff's AWS JSON 1.1 clients (Aws mode only: they need a region).</summary>
public static class AwsClientsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="AwsClientOptions"/> (bound to <c>OneOff:Aws</c>, validated at start), and one
    /// <see cref="AthenaClient"/> and one <see cref="EmrClient"/> for the process.
    /// </summary>
    public static IServiceCollection AddOneOffAwsClients(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<AwsClientOptions>().BindConfiguration(AwsClientOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AwsClientOptions>, AwsClientOptionsValidator>());
        services.TryAddSingleton(sp => new AthenaClient(sp.GetRequiredService<IOptions<AwsClientOptions>>().Value));
        services.TryAddSingleton(sp => new EmrClient(sp.GetRequiredService<IOptions<AwsClientOptions>>().Value));
        return services;
    }
}

/// <summary>Checks <see cref="AwsClientOptions"/>; each message names the configuration key.</summary>
public sealed class AwsClientOptionsValidator : IValidateOptions<AwsClientOptions>
{
    private readonly Func<string, string?> _environment;

    /// <summary>Validates against the process environment.</summary>
    public AwsClientOptionsValidator()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    internal AwsClientOptionsValidator(Func<string, string?> environment) => _environment = environment;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AwsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        try
        {
            AwsEndpoints.ResolveRegion(options.Region, _environment);
            foreach (var service in new[] { "ATHENA", "EMR", "S3" })
            {
                AwsEndpoints.ResolveOverride(service, _environment);
            }
        }
        catch (InvalidOperationException e)
        {
            failures.Add(e.Message);
        }

        if (options.MaxRetryAttempts is < 0 or > 10)
        {
            failures.Add($"OneOff:Aws:MaxRetryAttempts is {options.MaxRetryAttempts}; use 0 to 10.");
        }

        if (options.RetryBaseDelay <= TimeSpan.Zero || options.RetryBaseDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add($"OneOff:Aws:RetryBaseDelay is {options.RetryBaseDelay}; use more than 0 and at most 00:01:00.");
        }

        if (options.AttemptTimeout < TimeSpan.FromSeconds(1) || options.AttemptTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"OneOff:Aws:AttemptTimeout is {options.AttemptTimeout}; use 00:00:01 to 00:10:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
