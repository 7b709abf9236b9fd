using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Core.Query;
using OneOff.Core.Storage;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Tests.Results;
using OneOff.DuckDb;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Health;

public sealed class HealthEndpointTests
{
    private static readonly string[] s_checks = ["database", "object_store", "query_engine"];

    [Fact]
    public async Task Healthz_Anonymous_GivesStatusesOnly()
    {
        using var folder = new TempFolder();
        await using var app = new DashboardApp(folder.Path);
        using var client = app.Client();

        var (status, text, body) = await GetAsync(client);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        Assert.Equal(s_checks, checks.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        foreach (var check in checks.EnumerateObject())
        {
            Assert.Equal("Healthy", check.Value.GetProperty("status").GetString());
            Assert.Equal(["status"], check.Value.EnumerateObject().Select(p => p.Name));
        }

        Assert.DoesNotContain(folder.Path, text, StringComparison.Ordinal);
        Assert.DoesNotContain("description", text, StringComparison.Ordinal);
        Assert.DoesNotContain("run records", text, StringComparison.Ordinal);
        Assert.DoesNotContain("DuckDB v", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_SignedIn_GivesDescriptions()
    {
        using var folder = new TempFolder();
        await using var app = new DashboardApp(folder.Path);
        using var client = await app.SignedInClientAsync("health-viewer", DashboardRoles.Viewer);

        var (status, _, body) = await GetAsync(client);

        Assert.Equal(HttpStatusCode.OK, status);
        var checks = body.GetProperty("checks");
        Assert.EndsWith("run records", checks.GetProperty("database").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.StartsWith(folder.Path, checks.GetProperty("object_store").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("DuckDB v", checks.GetProperty("query_engine").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_AFailingCheckAnonymous_Returns503WithoutDetails()
    {
        using var folder = new TempFolder();
        await using var app = FailingEngineApp(folder.Path);
        using var client = app.Client();

        var (status, text, body) = await GetAsync(client);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Unhealthy", checks.GetProperty("query_engine").GetProperty("status").GetString());
        Assert.DoesNotContain("description", text, StringComparison.Ordinal);
        Assert.DoesNotContain("DuckDB is not there", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_AFailingCheckSignedIn_Returns503NamingIt()
    {
        using var folder = new TempFolder();
        await using var app = FailingEngineApp(folder.Path);
        using var client = await app.SignedInClientAsync("health-operator", DashboardRoles.Operator);

        var (status, _, body) = await GetAsync(client);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("object_store").GetProperty("status").GetString());
        Assert.Equal("DuckDB is not there", checks.GetProperty("query_engine").GetProperty("description").GetString());
    }

    private static DashboardApp FailingEngineApp(string dataRoot) =>
        new(dataRoot, s => s.AddSingleton<IQueryEngine>(sp =>
            new CountingQueryEngine(new DuckDbQueryEngine(sp.GetRequiredService<FolderObjectStore>())) { Health = new QueryEngineHealth(false, "DuckDB is not there") }));

    private static async Task<(HttpStatusCode Status, string Text, JsonElement Body)> GetAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(text);
        return (response.StatusCode, text, document.RootElement.Clone());
    }
}
