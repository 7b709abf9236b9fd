using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Core.Query;
using OneOff.Core.Storage;
using OneOff.Dashboard.Tests.Results;
using OneOff.DuckDb;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Health;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Healthz_AFailingCheck_Returns503NamingIt()
    {
        using var folder = new TempFolder();
        await using var app = new DashboardApp(folder.Path, s => s.AddSingleton<IQueryEngine>(sp =>
            new CountingQueryEngine(new DuckDbQueryEngine(sp.GetRequiredService<FolderObjectStore>())) { Health = new QueryEngineHealth(false, "DuckDB is not there") }));
        using var client = app.Client();

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("status").GetString());
        var checks = body.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("object_store").GetProperty("status").GetString());
        Assert.Equal("DuckDB is not there", checks.GetProperty("query_engine").GetProperty("description").GetString());
    }
}
