using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Aws.Compute;
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
    public async Task AddOneOffDashboard_AwsMode_ComposesS3TheEmrRunnerAndTheReaperFromAddOneOffAws()
    {
        using var folder = new TempFolder();
        using var bundle = JobBundleSource.Placeholder();
        await using var app = Build([("OneOff:DataRoot", folder.Path), .. AwsSettings, ("OneOff:Aws:Emr:BundleFolder", bundle.Path)]);

        Assert.Null(DashboardHostingExtensions.StartupProblem(app.Services));
        Assert.IsType<S3ObjectStore>(app.Services.GetRequiredService<IObjectStore>());
        Assert.IsType<EmrJobRunner>(app.Services.GetRequiredService<IJobRunner>());
        // The EMR reaper asks the dashboard's run store about each cluster's run.
        Assert.True(app.Services.GetRequiredService<IServiceProviderIsService>().IsService(typeof(IRunLookup)));
        Assert.NotNull(app.Services.GetRequiredService<IQueryEngine>());
    }

    [Fact]
    public async Task AddOneOffDashboard_AwsModeWithoutTheJobBundle_StopsAtStartInOneLineNamingTheBuild()
    {
        using var folder = new TempFolder();
        using var empty = new TempFolder();
        await using var app = Build([("OneOff:DataRoot", folder.Path), .. AwsSettings, ("OneOff:Aws:Emr:BundleFolder", empty.Path)]);

        var problem = DashboardHostingExtensions.StartupProblem(app.Services);

        Assert.StartsWith($"The job bundle in '{empty.Path}' is incomplete", problem, StringComparison.Ordinal);
        Assert.Contains("-t:OneOffBundle", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem!);
    }

    /// <summary>What a deployed stack gives (deploy/oneoff.yaml's outputs): every key Aws mode needs.</summary>
    private static readonly (string Key, string Value)[] AwsSettings =
    [
        ("OneOff:Mode", "Aws"), ("OneOff:Aws:Region", "eu-west-1"), ("OneOff:Aws:Bucket", "oneoff-data"),
        ("OneOff:Aws:Emr:ServiceRole", "oneoff-emr-service"), ("OneOff:Aws:Emr:JobFlowRole", "oneoff-emr-instance"),
    ];

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
