using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OneOff.Aws.Clients;
using OneOff.Aws.Clients.Athena;
using OneOff.Aws.Clients.Emr;

namespace OneOff.Aws.Tests.Clients;

public sealed class AwsClientOptionsValidatorTests
{
    private static readonly AwsClientOptionsValidator s_noEnvironment = new(_ => null);

    [Fact]
    public void Validate_Defaults_WithRegion_Succeeds()
    {
        Assert.True(s_noEnvironment.Validate(null, new AwsClientOptions { Region = "eu-west-1" }).Succeeded);
    }

    [Fact]
    public void Validate_NoRegionAnywhere_FailsNamingTheKey()
    {
        var result = s_noEnvironment.Validate(null, new AwsClientOptions());

        Assert.True(result.Failed);
        Assert.Contains("OneOff:Aws:Region", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RegionFromEnvironment_Succeeds()
    {
        var validator = new AwsClientOptionsValidator(name => name == "AWS_REGION" ? "us-east-2" : null);

        Assert.True(validator.Validate(null, new AwsClientOptions()).Succeeded);
    }

    [Fact]
    public void Validate_BadEndpointVariable_FailsNamingTheVariable()
    {
        var validator = new AwsClientOptionsValidator(name => name == "AWS_ENDPOINT_URL_S3" ? "nope" : null);

        var result = validator.Validate(null, new AwsClientOptions { Region = "us-east-1" });

        Assert.Contains("AWS_ENDPOINT_URL_S3", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, 200, 30, "OneOff:Aws:MaxRetryAttempts")]
    [InlineData(11, 200, 30, "OneOff:Aws:MaxRetryAttempts")]
    [InlineData(3, 0, 30, "OneOff:Aws:RetryBaseDelay")]
    [InlineData(3, 200, 0, "OneOff:Aws:AttemptTimeout")]
    public void Validate_OutOfRange_FailsNamingTheKey(int retries, int delayMs, int timeoutSeconds, string key)
    {
        var options = new AwsClientOptions
        {
            Region = "us-east-1",
            MaxRetryAttempts = retries,
            RetryBaseDelay = TimeSpan.FromMilliseconds(delayMs),
            AttemptTimeout = TimeSpan.FromSeconds(timeoutSeconds),
        };

        var result = s_noEnvironment.Validate(null, options);

        Assert.Single(result.Failures!);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AddOneOffAwsClients_BindsOneOffAwsAndResolvesBothClients()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OneOff:Aws:Region"] = "ap-southeast-2",
            ["OneOff:Aws:MaxRetryAttempts"] = "5",
        }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddOneOffAwsClients().BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<AwsClientOptions>>().Value;

        Assert.Equal(5, options.MaxRetryAttempts);
        Assert.Equal("ap-southeast-2", provider.GetRequiredService<AthenaClient>().Region);
        Assert.Same(provider.GetRequiredService<EmrClient>(), provider.GetRequiredService<EmrClient>());
    }
}
