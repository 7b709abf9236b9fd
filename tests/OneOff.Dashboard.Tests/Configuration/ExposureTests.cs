using System.Net;
using System.Text.RegularExpressions;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Configuration;

/// <summary>
/// The app on Kestrel at 127.0.0.1 as a TLS-terminating proxy on the same host sees it: X-Forwarded-Proto makes a
/// request HTTPS (Secure, <c>__Host-</c> cookie, HSTS); the Host header never reaches a Location; the
/// Content-Security-Policy allows the page's one inline script by its hash (ASVS 3.4.1, 3.4.4).
/// </summary>
public sealed partial class ExposureTests : IAsyncDisposable
{
    private static readonly Dictionary<string, string> s_https = new() { ["X-Forwarded-Proto"] = "https", ["Host"] = "dash.example.test" };
    private readonly TempFolder _folder = new();
    private readonly DashboardApp _app;
    private readonly HttpClient _http;

    public ExposureTests()
    {
        _app = new DashboardApp(_folder.Path);
        _app.UseKestrel(0);
        _app.StartServer();
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = _app.ClientOptions.BaseAddress };
    }

    [Fact]
    public async Task SignIn_BehindATlsProxy_SetsASecureHostPrefixedCookieAndHsts()
    {
        await _app.CreateUserAsync("proxied", DashboardRoles.Viewer);
        var jar = new CookieJar();

        using var login = await jar.LogInAsync(_http, "proxied", DashboardApp.UserPassword, s_https);
        using var home = await jar.SendAsync(_http, HttpMethod.Get, "/", headers: s_https);
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.Contains("oneoff.auth", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.StartsWith("__Host-oneoff.auth=", cookie, StringComparison.Ordinal);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.Ordinal);
        Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.StartsWith("max-age=31536000", home.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_OverPlainHttp_KeepsTheUnprefixedCookieAndNoHsts()
    {
        await _app.CreateUserAsync("plain", DashboardRoles.Viewer);
        var jar = new CookieJar();

        using var login = await jar.LogInAsync(_http, "plain", DashboardApp.UserPassword, new Dictionary<string, string> { ["Host"] = "dash.example.test" });
        using var home = await jar.SendAsync(_http, HttpMethod.Get, "/", headers: new Dictionary<string, string> { ["Host"] = "dash.example.test" });

        Assert.Contains("oneoff.auth", jar.Cookies.Keys);
        Assert.DoesNotContain("secure", login.Headers.GetValues("Set-Cookie").Single(c => c.Contains("oneoff.auth", StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.False(home.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Redirect_ForgedHost_IsALocalPath()
    {
        using var response = await new CookieJar().SendAsync(_http, HttpMethod.Get, "/runs/x?y=1", headers: new Dictionary<string, string> { ["Host"] = "evil.example" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Fruns%2Fx%3Fy%3D1", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Page_ContentSecurityPolicy_AllowsItsImportMapByHashAndNothingInlineElse()
    {
        using var response = await _http.GetAsync(new Uri("/login", UriKind.Relative), TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        var inline = InlineScript().Matches(html).Select(m => m.Groups[1].Value).ToList();

        var importMap = Assert.Single(inline);
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(importMap)));
        Assert.Contains($"script-src 'self' 'sha256-{hash}' 'unsafe-eval';", policy, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("base-uri 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy.Split(';')[0], StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Server"));
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    // Inline scripts: a <script> with content and no src.
    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>(.+?)</script>", RegexOptions.Singleline)]
    private static partial Regex InlineScript();
}
