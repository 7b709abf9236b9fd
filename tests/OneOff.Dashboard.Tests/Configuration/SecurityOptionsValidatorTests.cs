using OneOff.Dashboard.Configuration;

namespace OneOff.Dashboard.Tests.Configuration;

public sealed class SecurityOptionsValidatorTests
{
    [Theory]
    [InlineData(0, "OneOff:Auth:RevalidationSeconds must be from 1 to 60 (got 0).")]
    [InlineData(61, "OneOff:Auth:RevalidationSeconds must be from 1 to 60 (got 61).")]
    public void Auth_RevalidationOutsideAMinute_IsRefused(int seconds, string message)
    {
        var result = new AuthOptionsValidator().Validate(null, new AuthOptions { RevalidationSeconds = seconds });

        Assert.Equal(message, Assert.Single(result.Failures!));
    }

    [Fact]
    public void Auth_AbsoluteShorterThanIdle_IsRefused()
    {
        var result = new AuthOptionsValidator().Validate(null, new AuthOptions { IdleTimeoutMinutes = 120, AbsoluteTimeoutHours = 1 });

        Assert.Contains("must not be shorter than OneOff:Auth:IdleTimeoutMinutes", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Auth_Defaults_AreValid()
    {
        Assert.True(new AuthOptionsValidator().Validate(null, new AuthOptions()).Succeeded);
    }

    [Fact]
    public void Proxy_BadAddressAndNetwork_AreNamedByKey()
    {
        var options = new ProxyOptions();
        options.KnownProxies.Add("10.0.0.5");
        options.KnownProxies.Add("proxy.local");
        options.KnownNetworks.Add("10.0.0.0/33");

        var result = new ProxyOptionsValidator().Validate(null, options);

        Assert.Equal(
            ["OneOff:Proxy:KnownProxies:1 must be an IP address such as 10.0.0.5 (got 'proxy.local').", "OneOff:Proxy:KnownNetworks:0 must be a network in CIDR form such as 10.0.0.0/16 (got '10.0.0.0/33')."],
            result.Failures);
    }
}
