using System.Net;
using Microsoft.AspNetCore.Http;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Tests.Infrastructure;

namespace OneOff.Dashboard.Tests.Authentication;

/// <summary>The Blazor hub refuses circuits opened from another site's page.</summary>
public sealed class SameOriginCircuitsTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    [Theory]
    [InlineData("http://evil.example", HttpStatusCode.Forbidden)]
    [InlineData("http://localhost.evil.example", HttpStatusCode.Forbidden)]
    [InlineData("http://localhost:8080", HttpStatusCode.Forbidden)]
    [InlineData("http://localhost", HttpStatusCode.OK)]
    [InlineData("https://localhost", HttpStatusCode.OK)]
    [InlineData("https://localhost:80", HttpStatusCode.Forbidden)]
    public async Task Negotiate_Origin_OnlyTheSitesOwnIsAccepted(string origin, HttpStatusCode expected)
    {
        using var client = await fixture.App.SignedInClientAsync($"origin-{Guid.NewGuid():N}"[..20], "Viewer");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", origin);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("https://dash.example.com", "dash.example.com", true)]
    [InlineData("https://dash.example.com", "dash.example.com:443", true)]
    [InlineData("http://127.0.0.1:5000", "127.0.0.1:5000", true)]
    [InlineData("http://127.0.0.1:5001", "127.0.0.1:5000", false)]
    [InlineData("http://dash.example.com:8080", "dash.example.com", false)]
    [InlineData("null", "dash.example.com", false)]
    [InlineData("https://dash.example.com.evil", "dash.example.com", false)]
    public void IsSameSite_ComparesHostAndPort(string origin, string host, bool expected) =>
        Assert.Equal(expected, SameOriginCircuits.IsSameSite(origin, new HostString(host)));
}
