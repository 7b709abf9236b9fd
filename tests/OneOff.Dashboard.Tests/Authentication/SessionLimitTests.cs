using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Authentication;

/// <summary>Sessions end after the idle limit and, however active, after the absolute limit (ASVS 3.3.1).</summary>
public sealed class SessionLimitTests : IAsyncDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(TimeProvider.System.GetUtcNow());
    private readonly DashboardApp _app;

    public SessionLimitTests()
    {
        _app = new DashboardApp(_folder.Path, services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(_time)), new Dictionary<string, string?>
        {
            ["OneOff:Auth:IdleTimeoutMinutes"] = "30",
            ["OneOff:Auth:AbsoluteTimeoutHours"] = "1",
        });
    }

    [Fact]
    public async Task Session_ActiveEveryTwentyMinutes_EndsAfterTheAbsoluteLimit()
    {
        var (http, jar) = await SignInAsync("busy-viewer");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(20));
            using var page = await jar.SendAsync(http, HttpMethod.Get, "/");
            statuses.Add(page.StatusCode);
        }

        // 20, 40 min: in; 60, 80 min: past the hour, out, though never idle for more than 20 minutes.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Redirect, HttpStatusCode.Redirect], statuses);
        http.Dispose();
    }

    [Fact]
    public async Task Session_IdleLongerThanTheIdleLimit_Ends()
    {
        var (http, jar) = await SignInAsync("idle-viewer");
        _time.Advance(TimeSpan.FromMinutes(25));
        using var stillIn = await jar.SendAsync(http, HttpMethod.Get, "/");
        _time.Advance(TimeSpan.FromMinutes(31));
        using var idle = await jar.SendAsync(http, HttpMethod.Get, "/");

        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, idle.StatusCode);
        Assert.StartsWith("/login", idle.Headers.Location?.OriginalString, StringComparison.Ordinal);
        http.Dispose();
    }

    [Fact]
    public async Task OpenPage_PastTheAbsoluteLimit_LosesItsStanding()
    {
        await _app.CreateUserAsync("page-viewer", DashboardRoles.Viewer);
        var principal = await _app.PrincipalAsync("page-viewer");
        var standings = _app.Services.GetRequiredService<UserStandings>();

        var before = await standings.FindAsync(principal, TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromMinutes(61));
        var after = await standings.FindAsync(principal, TestContext.Current.CancellationToken);

        Assert.NotNull(before);
        Assert.Null(after);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    private async Task<(HttpClient Http, CookieJar Jar)> SignInAsync(string user)
    {
        await _app.CreateUserAsync(user, DashboardRoles.Viewer);
        var http = _app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        var jar = new CookieJar();
        using var login = await jar.LogInAsync(http, user, DashboardApp.UserPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return (http, jar);
    }
}
