using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Aws.Storage;
using OneOff.Core.Compute;
using OneOff.Core.Query;
using OneOff.Core.Storage;
using OneOff.Dashboard.Configuration;
using OneOff.DuckDb;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Configuration;

/// <summary>The composition root picks the adapters once, from OneOff:Mode, and validates every option it registered.</summary>
public sealed class CompositionTests
{
    [Fact]
    public async Task AddOneOffDashboard_LocalMode_ComposesTheFolderStoreLocalRunnerAndDuckDb()
    {
        using var folder = new TempFolder();
        await using var app = Build(("OneOff:DataRoot", folder.Path));

        Assert.Null(DashboardHostingExtensions.StartupProblem(app.Services));
        Assert.IsType<FolderObjectStore>(app.Services.GetRequiredService<IObjectStore>());
        Assert.IsType<LocalJobRunner>(app.Services.GetRequiredService<IJobRunner>());
        Assert.IsType<DuckDbQueryEngine>(app.Services.GetRequiredService<IQueryEngine>());
    }

    [Fact]
    public async Task AddOneOffDashboard_AwsMode_ComposesS3FromAddOneOffAwsAndIsRefusedInOneLine()
    {
        using var folder = new TempFolder();
        await using var app = Build(
            ("OneOff:DataRoot", folder.Path), ("OneOff:Mode", "Aws"), ("OneOff:Aws:Region", "eu-west-1"), ("OneOff:Aws:Bucket", "oneoff-data"));

        var problem = DashboardHostingExtensions.StartupProblem(app.Services);

        Assert.IsType<S3ObjectStore>(app.Services.GetRequiredService<IObjectStore>());
        // The EMR reaper asks the dashboard's run store about each cluster's run.
        Assert.True(app.Services.GetRequiredService<IServiceProviderIsService>().IsService(typeof(IRunLookup)));
        Assert.Null(app.Services.GetService<IJobRunner>());
        Assert.StartsWith("OneOff:Mode=Aws is not available", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem!);
    }

    [Fact]
    public async Task StartupProblem_BadOptionOfAnotherProject_IsFoundWithoutAListOfOptionTypes()
    {
        using var folder = new TempFolder();
        await using var app = Build(
            ("OneOff:DataRoot", folder.Path), ("OneOff:Mode", "Aws"), ("OneOff:Aws:Region", "eu-west-1"),
            ("OneOff:Aws:MaxRetryAttempts", "99"), ("OneOff:DeploymentId", "Bad Id"));

        var problem = DashboardHostingExtensions.StartupProblem(app.Services);

        Assert.Contains("OneOff:Aws:MaxRetryAttempts is 99", problem, StringComparison.Ordinal);
        Assert.Contains("OneOff:Aws:Bucket is not set", problem, StringComparison.Ordinal);
        Assert.Contains("OneOff:DeploymentId must be", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartupProblem_ValueOfTheWrongType_IsOneLineNamingTheKey()
    {
        using var folder = new TempFolder();
        await using var app = Build(("OneOff:DataRoot", folder.Path), ("OneOff:Runs:MaxConcurrent", "many"));

        var problem = DashboardHostingExtensions.StartupProblem(app.Services);

        Assert.Contains("OneOff:Runs:MaxConcurrent", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem!);
    }

    [Theory]
    [InlineData("OneOff:Auth:RevalidationSeconds", "1800", "OneOff:Auth:RevalidationSeconds must be from 1 to 60 (got 1800).")]
    [InlineData("OneOff:Proxy:KnownProxies:0", "my-proxy", "OneOff:Proxy:KnownProxies:0 must be an IP address such as 10.0.0.5 (got 'my-proxy').")]
    [InlineData("OneOff:Auth:IdleTimeoutMinutes", "soon", "OneOff:Auth:IdleTimeoutMinutes")]
    public async Task StartupProblem_BadSessionOrProxySetting_IsOneLineNamingTheKey(string key, string value, string message)
    {
        using var folder = new TempFolder();
        await using var app = Build(("OneOff:DataRoot", folder.Path), (key, value));

        var problem = DashboardHostingExtensions.StartupProblem(app.Services);

        Assert.Contains(message, problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem!);
    }

    [Fact]
    public async Task StartupProblem_UnknownMode_IsTheModesOwnMessage()
    {
        using var folder = new TempFolder();
        await using var app = Build(("OneOff:DataRoot", folder.Path), ("OneOff:Mode", "Nonsense"));

        Assert.Equal("OneOff:Mode must be Local or Aws (got 'Nonsense').", DashboardHostingExtensions.StartupProblem(app.Services));
    }

    private static WebApplication Build(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddOneOffDashboard();
        return builder.Build();
    }
}
