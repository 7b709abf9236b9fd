using OneOff.Aws.Clients;

namespace OneOff.Aws.Tests.Clients;

public sealed class AwsEndpointsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();

    [Fact]
    public void ResolveRegion_Configured_WinsOverEnvironment()
    {
        Assert.Equal("eu-west-2", AwsEndpoints.ResolveRegion("eu-west-2", Env(("AWS_REGION", "us-east-1"))));
    }

    [Fact]
    public void ResolveRegion_NotConfigured_UsesAwsRegionThenDefaultRegion()
    {
        Assert.Equal("us-west-2", AwsEndpoints.ResolveRegion(null, Env(("AWS_REGION", "us-west-2"), ("AWS_DEFAULT_REGION", "eu-west-1"))));
        Assert.Equal("eu-west-1", AwsEndpoints.ResolveRegion(" ", Env(("AWS_DEFAULT_REGION", "eu-west-1"))));
    }

    [Fact]
    public void ResolveRegion_Nothing_ThrowsNamingBothSettings()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AwsEndpoints.ResolveRegion(null, Env()));

        Assert.Contains("OneOff:Aws:Region", error.Message, StringComparison.Ordinal);
        Assert.Contains("AWS_REGION", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("US-EAST-1")]
    [InlineData("useast1")]
    [InlineData("us-east-1; rm -rf")]
    public void ResolveRegion_NotARegionName_ThrowsNamingTheSource(string region)
    {
        var error = Assert.Throws<InvalidOperationException>(() => AwsEndpoints.ResolveRegion(null, Env(("AWS_REGION", region))));

        Assert.StartsWith("AWS_REGION is", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveOverride_ServiceVariable_WinsOverGeneralOne()
    {
        var env = Env(("AWS_ENDPOINT_URL", "http://general:1"), ("AWS_ENDPOINT_URL_ATHENA", "http://athena:2"));

        Assert.Equal(new Uri("http://athena:2"), AwsEndpoints.ResolveOverride("ATHENA", env));
        Assert.Equal(new Uri("http://general:1"), AwsEndpoints.ResolveOverride("EMR", env));
    }

    [Fact]
    public void ResolveOverride_IgnoreFlag_ReturnsNull()
    {
        var env = Env(("AWS_ENDPOINT_URL", "http://general:1"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));

        Assert.Null(AwsEndpoints.ResolveOverride("S3", env));
    }

    [Theory]
    [InlineData("localhost:4566")]
    [InlineData("ftp://x")]
    [InlineData("not a url")]
    public void ResolveOverride_NotAnHttpUrl_ThrowsNamingTheVariable(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => AwsEndpoints.ResolveOverride("EMR", Env(("AWS_ENDPOINT_URL_EMR", value))));

        Assert.StartsWith("AWS_ENDPOINT_URL_EMR is", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("athena", "eu-west-1", "https://athena.eu-west-1.amazonaws.com/")]
    [InlineData("emr", "us-east-1", "https://elasticmapreduce.us-east-1.amazonaws.com/")]
    [InlineData("emr", "cn-north-1", "https://elasticmapreduce.cn-north-1.amazonaws.com.cn/")]
    public void Resolve_NoOverride_IsTheRegionalEndpoint(string service, string region, string expected)
    {
        var info = service == "athena" ? AwsServiceInfo.Athena : AwsServiceInfo.Emr;

        Assert.Equal(new Uri(expected), AwsEndpoints.Resolve(info, region, Env()));
    }

    [Fact]
    public void Client_EndpointVariable_IsWhereCallsGo()
    {
        using var emr = new OneOff.Aws.Clients.Emr.EmrClient(new AwsClientOptions { Region = "eu-central-1" }, new AwsClientSetup(Environment: Env(("AWS_ENDPOINT_URL_EMR", "http://127.0.0.1:9"))));

        Assert.Equal(new Uri("http://127.0.0.1:9/"), emr.Endpoint);
        Assert.Equal("eu-central-1", emr.Region);
    }
}
