using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OneOff.Core.Query;
using OneOff.Core.Storage;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Health;

/// <summary>The database answers a trivial query.</summary>
internal sealed class DatabaseHealthCheck(IDbContextFactory<DashboardDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var runs = await db.Runs.CountAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{runs} run records");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database cannot be read.", e);
        }
    }
}

/// <summary>The object store lists (at most one key of) <c>runs/</c>: cheap in every store.</summary>
internal sealed class ObjectStoreHealthCheck(IObjectStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var _ in store.ListAsync("runs/", cancellationToken).ConfigureAwait(false))
            {
                break;
            }

            return HealthCheckResult.Healthy(store.Root);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"The object store {store.Root} cannot be listed.", e);
        }
    }
}

/// <summary>The query engine answers its own cheap check (DuckDB opens an in-memory database; Athena never runs a query).</summary>
internal sealed class QueryEngineHealthCheck(IQueryEngine engine) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = await engine.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        return health.IsHealthy ? HealthCheckResult.Healthy(health.Description) : HealthCheckResult.Unhealthy(health.Description);
    }
}

/// <summary>
/// Writes <c>{"status": "Healthy"|"Unhealthy", "checks": {name: {"status"}}}</c>, with each check's
/// <c>"description"</c> only for a signed-in user: the descriptions name the data path, the number of runs and the
/// engine's version, which an anonymous caller (a load balancer, anyone on the network) has no need of.
/// </summary>
internal static class HealthResponse
{
    private static readonly JsonSerializerOptions s_json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static HealthCheckOptions Options { get; } = new()
    {
        ResponseWriter = WriteAsync,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var signedIn = context.User.Identity?.IsAuthenticated == true;
        var body = new
        {
            status = report.Status == HealthStatus.Unhealthy ? "Unhealthy" : "Healthy",
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => signedIn
                    ? new CheckBody(e.Value.Status.ToString(), e.Value.Description)
                    : new CheckBody(e.Value.Status.ToString(), null)),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, s_json), context.RequestAborted);
    }

    private sealed record CheckBody(
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("description")] string? Description);
}
