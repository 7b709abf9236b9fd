using OneOff.Dashboard.Health;

namespace OneOff.Dashboard.Tests.Health;

public sealed class HealthProbeTests
{
    [Theory]
    [InlineData("http://+:8080", null, "http://127.0.0.1:8080/")]
    [InlineData("https://*:8443;http://0.0.0.0:8080", null, "http://127.0.0.1:8080/")]
    [InlineData("http://[::]:9000/", null, "http://127.0.0.1:9000/")]
    [InlineData(null, "8081", "http://127.0.0.1:8081/")]
    [InlineData(null, null, "http://127.0.0.1:5000/")]
    public void BaseAddress_FromTheAppsOwnSettings_AsksLoopback(string? urls, string? ports, string expected)
    {
        var environment = new Dictionary<string, string?> { ["ASPNETCORE_URLS"] = urls, ["ASPNETCORE_HTTP_PORTS"] = ports };

        Assert.Equal(new Uri(expected), HealthProbe.BaseAddress([], name => environment.GetValueOrDefault(name)));
    }

    [Fact]
    public void BaseAddress_UrlArgument_Wins() =>
        Assert.Equal(new Uri("http://10.0.0.5:7000/"), HealthProbe.BaseAddress(["--url", "http://10.0.0.5:7000"], _ => "http://+:8080"));

    [Fact]
    public async Task RunAsync_NothingListening_ExitsOneWithOneLine()
    {
        using var output = new StringWriter();

        var code = await HealthProbe.RunAsync(["--url", "http://127.0.0.1:1"], _ => null, output);

        Assert.Equal(1, code);
        Assert.StartsWith("Unhealthy: the dashboard at http://127.0.0.1:1/healthz does not answer", output.ToString(), StringComparison.Ordinal);
    }
}
