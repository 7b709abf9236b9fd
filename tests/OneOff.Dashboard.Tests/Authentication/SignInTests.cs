using System.Net;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Authentication;

public sealed class SignInTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private DashboardApp App => fixture.App;

    [Theory]
    [InlineData("/")]
    [InlineData("/runs/20261125-101010-abcd")]
    [InlineData("/admin/users")]
    [InlineData("/account/password")]
    [InlineData("/no-such-page")]
    public async Task Get_SignedOut_RedirectsToLogin(string path)
    {
        using var client = App.Client();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task BlazorHub_SignedOut_IsRefused()
    {
        using var client = App.Client();

        using var response = await client.PostAsync(new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null, TestContext.Current.CancellationToken);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Unauthorized, $"got {response.StatusCode}");
    }

    [Fact]
    public async Task LoginAndHealth_SignedOut_AreOpen()
    {
        using var client = App.Client();

        var login = await client.GetStringAsync(new Uri("/login", UriKind.Relative), TestContext.Current.CancellationToken);
        using var css = await client.GetAsync(new Uri("/app.css", UriKind.Relative), TestContext.Current.CancellationToken);
        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("User name", login, StringComparison.Ordinal);
        Assert.Contains("Password", login, StringComparison.Ordinal);
        Assert.Contains("Log in", login, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("nosniff", css.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", health.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var body = await health.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("\"status\":\"Healthy\"", body, StringComparison.Ordinal);
        Assert.Contains("\"database\"", body, StringComparison.Ordinal);
        Assert.Contains("\"object_store\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogIn_RightPassword_SignsInAndFollowsLocalReturnUrl()
    {
        await App.CreateUserAsync("reader1", DashboardRoles.Viewer);
        using var client = App.Client();

        using var response = await DashboardApp.LogInAsync(client, "reader1", DashboardApp.UserPassword, "/runs/20261125-101010-abcd");
        using var home = await client.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/runs/20261125-101010-abcd", LocalPath(response));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("oneoff.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    public async Task LogIn_ForeignReturnUrl_GoesHome(string returnUrl)
    {
        await App.CreateUserAsync($"reader-{Math.Abs(returnUrl.GetHashCode(StringComparison.Ordinal))}", DashboardRoles.Viewer);
        using var client = App.Client();

        using var response = await DashboardApp.LogInAsync(client, $"reader-{Math.Abs(returnUrl.GetHashCode(StringComparison.Ordinal))}", DashboardApp.UserPassword, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", LocalPath(response));
    }

    [Fact]
    public async Task LogIn_WithoutAntiforgeryToken_IsRejected()
    {
        await App.CreateUserAsync("reader2", DashboardRoles.Viewer);
        using var client = App.Client();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["Input.UserName"] = "reader2",
            ["Input.Password"] = DashboardApp.UserPassword,
        });

        using var response = await client.PostAsync(new Uri("/login", UriKind.Relative), form, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("oneoff.auth=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task LogOut_WithoutAntiforgeryToken_IsRejectedAndWithTokenSignsOut()
    {
        using var client = await App.SignedInClientAsync("reader3", DashboardRoles.Viewer);

        using var noToken = new FormUrlEncodedContent(new Dictionary<string, string>());
        using var refused = await client.PostAsync(new Uri("/logout", UriKind.Relative), noToken, TestContext.Current.CancellationToken);
        using var stillIn = await client.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        var page = await stillIn.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var withToken = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = DashboardApp.TokenOf(page) });
        using var loggedOut = await client.PostAsync(new Uri("/logout", UriKind.Relative), withToken, TestContext.Current.CancellationToken);
        using var after = await client.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, loggedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task LogIn_FiveWrongPasswords_LocksTheAccount()
    {
        await App.CreateUserAsync("reader4", DashboardRoles.Viewer);
        using var client = App.Client();
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await DashboardApp.LogInAsync(client, "reader4", "Wrong-Pass-123");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        using var right = await DashboardApp.LogInAsync(client, "reader4", DashboardApp.UserPassword);
        var page = await right.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("locked", page, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task LogIn_WrongPassword_SaysSoAndSetsNoCookie()
    {
        await App.CreateUserAsync("reader5", DashboardRoles.Viewer);
        using var client = App.Client();

        using var response = await DashboardApp.LogInAsync(client, "reader5", "Wrong-Pass-123");
        var page = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("user name or password is wrong", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminUsers_Viewer_IsDenied()
    {
        using var client = await App.SignedInClientAsync("reader6", DashboardRoles.Viewer);

        using var response = await client.GetAsync(new Uri("/admin/users", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/access-denied", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData(DashboardRoles.Viewer, false)]
    [InlineData(DashboardRoles.Operator, true)]
    public async Task Home_SignedIn_ShowsRunJobToOperatorsOnly(string level, bool shown)
    {
        var name = $"home-{level.ToLowerInvariant()}";
        using var client = await App.SignedInClientAsync(name, level);

        var page = await client.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("All runs", page, StringComparison.Ordinal);
        Assert.Equal(shown, page.Contains(">Run job</button>", StringComparison.Ordinal));
        Assert.Equal(shown, page.Contains("<label for=\"f-train_size\">Train size</label>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownPage_SignedIn_Is404WithAPage()
    {
        using var client = await App.SignedInClientAsync("lost-reader", DashboardRoles.Viewer);

        using var response = await client.GetAsync(new Uri("/no-such-page", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("There is nothing at this address.", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private static string? LocalPath(HttpResponseMessage response)
    {
        var location = response.Headers.Location;
        if (location is null)
        {
            return null;
        }

        Assert.True(!location.IsAbsoluteUri || location.Host == "localhost", $"redirected off the site: {location}");
        return location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
    }
}
