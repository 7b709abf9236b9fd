using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OneOff.Aws.Query;
using OneOff.Core.Configuration;
using OneOff.Core.Query;

namespace OneOff.Aws.Tests.Query;

/// <summary><see cref="AthenaQueryEngine"/> as <see cref="AwsServiceCollectionExtensions.AddOneOffAws"/> composes it.</summary>
public sealed class AthenaQueryEngineCompositionTests
{
    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OneOff:Aws:Region"] = "eu-west-1",
            ["OneOff:Aws:Bucket"] = "oneoff-data",
            ["OneOff:DeploymentId"] = "team-a",
        }.Concat(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddOneOffCore().AddOneOffAws().BuildServiceProvider();
    }

    [Fact]
    public void AddOneOffAws_MakesAthenaTheQueryEngine_WithOneUsageTally()
    {
        using var services = Build();

        Assert.Same(services.GetRequiredService<AthenaQueryEngine>(), services.GetRequiredService<IQueryEngine>());
        Assert.Same(services.GetRequiredService<AthenaUsage>(), services.GetRequiredService<AthenaUsage>());
    }

    [Fact]
    public void AddOneOffAws_AthenaSection_BindsEveryKey()
    {
        using var services = Build(
            ("OneOff:Aws:Athena:Database", "mydb"), ("OneOff:Aws:Athena:WorkGroup", "wg"), ("OneOff:Aws:Athena:OutputLocation", "s3://results-bucket/q/"),
            ("OneOff:Aws:Athena:ResultReuseMinutes", "0"), ("OneOff:Aws:Athena:QueryTimeoutSeconds", "60"), ("OneOff:Aws:Athena:InlineValues", "true"),
            ("OneOff:Aws:Athena:PricePerTerabyteScanned", "6.25"));

        var options = services.GetRequiredService<IOptions<AthenaOptions>>().Value;

        Assert.Equal(("mydb", "wg", "s3://results-bucket/q/", 0, 60, true), (options.Database, options.WorkGroup, options.OutputLocation, options.ResultReuseMinutes, options.QueryTimeoutSeconds, options.InlineValues));
        Assert.Equal(6.25m, options.PricePerTerabyteScanned);
    }

    [Fact]
    public void AddOneOffAws_UsageGoesToTheRegisteredSink_AtTheConfiguredPrice()
    {
        var sink = new RecordingUsageSink();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OneOff:Aws:Region"] = "eu-west-1", ["OneOff:Aws:Bucket"] = "oneoff-data", ["OneOff:DeploymentId"] = "team-a",
            ["OneOff:Aws:Athena:PricePerTerabyteScanned"] = "2",
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddOneOffCore()
            .AddSingleton<IQueryUsageSink>(sink).AddOneOffAws().BuildServiceProvider();

        services.GetRequiredService<AthenaUsage>().Record("run-a", 1L << 40, reusedPreviousResult: false);

        Assert.Equal(new QueryUsage(1, 0, 1L << 40, 2m), sink.ForRun("run-a"));
    }

    [Theory]
    [InlineData("ResultReuseMinutes", "20000", "OneOff:Aws:Athena:ResultReuseMinutes is 20000")]
    [InlineData("PricePerTerabyteScanned", "-1", "OneOff:Aws:Athena:PricePerTerabyteScanned is -1; use the list price of your region")]
    public void AddOneOffAws_BadAthenaValue_FailsAtStartNamingTheKey(string key, string value, string expected)
    {
        using var services = Build(("OneOff:Aws:Athena:" + key, value));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AthenaOptions>>().Value);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
