using OneOff.Core.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OneOff.Dashboard.Configuration;

/// <summary>
/// OpenTelemetry for the dashboard, exported over OTLP when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
/// and absent when it is not: then no provider is registered, nothing listens to any activity source or meter, and
/// an instrumented call costs a null check (measured in the report of the change that added this).
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>The variable (or configuration key) that turns export on: the collector's base URL.</summary>
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The <c>service.name</c> unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "oneoff";

    private const string ServiceNameKey = "OTEL_SERVICE_NAME";

    /// <summary>
    /// With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set: traces (OneOff's own spans, ASP.NET Core, HttpClient), metrics
    /// (OneOff's, ASP.NET Core, HttpClient, the runtime's) and logs (with their scopes: the run id) over OTLP, with
    /// the exporter's standard variables (<c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>_HEADERS</c>, the per-signal
    /// endpoints…). Without it: nothing.
    /// </summary>
    public static IServiceCollection AddOneOffTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrWhiteSpace(configuration[EndpointKey]))
        {
            return services;
        }

        services.AddOneOffInstrumentation(configuration).UseOtlpExporter();
        return services;
    }

    /// <summary>The providers and what they listen to, without an exporter (the tests add an in-memory one).</summary>
    internal static IOpenTelemetryBuilder AddOneOffInstrumentation(this IServiceCollection services, IConfiguration configuration)
    {
        var named = !string.IsNullOrWhiteSpace(configuration[ServiceNameKey]);
        var deployment = configuration["OneOff:DeploymentId"] is { Length: > 0 } id ? id : "default";
        return services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (!named)
                {
                    resource.AddService(ServiceName, serviceVersion: typeof(TelemetryExtensions).Assembly.GetName().Version?.ToString());
                }

                resource.AddAttributes([new("oneoff.deployment", deployment)]);
            })
            .WithTracing(tracing => tracing
                .AddSource(OneOffTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                // S3 (AWSSDK.S3) and the JSON clients' attempts are HttpClient spans: each names the run it is for.
                .AddHttpClientInstrumentation(http => http.EnrichWithHttpRequestMessage = (activity, _) =>
                {
                    if (OneOffTelemetry.CurrentRunId is { } runId)
                    {
                        activity.SetTag(OneOffTelemetry.RunIdAttribute, runId);
                    }
                }))
            .WithMetrics(metrics => metrics
                .AddMeter(OneOffTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                // The runtime's own meter (GC, thread pool, exceptions), built into .NET 9 and later.
                .AddMeter("System.Runtime"))
            .WithLogging(configureBuilder: null, configureOptions: logs =>
            {
                logs.IncludeScopes = true;
                logs.IncludeFormattedMessage = true;
            });
    }
}
