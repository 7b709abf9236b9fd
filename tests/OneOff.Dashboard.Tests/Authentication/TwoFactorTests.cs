using System.Net;
using System.Text.RegularExpressions;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Components.Pages.Account;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;
using OtpNet;

namespace OneOff.Dashboard.Tests.Authentication;

/// <summary>
/// Two-factor sign-in with an authenticator app (ASVS 2.8, 4.3.1), through real HTTP; the codes are computed from
/// the shared key on the page, as the user's app does.
/// </summary>
public sealed partial class TwoFactorTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private DashboardApp App => fixture.App;

    [Fact]
    public async Task SetUp_WithACodeFromTheKey_TurnsItOnAndShowsTenRecoveryCodesOnce()
    {
        using var client = await App.SignedInClientAsync("tf-setup", DashboardRoles.Viewer);

        var page = await client.GetStringAsync(new Uri("/account/two-factor", UriKind.Relative), TestContext.Current.CancellationToken);
        var (key, codes) = await SetUpAsync(client);
        var after = await client.GetStringAsync(new Uri("/account/two-factor", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("otpauth://totp/OneOff:tf-setup?secret=", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.Contains("<svg", page, StringComparison.Ordinal);
        Assert.Matches("^([a-z2-7]{4} )+[a-z2-7]{1,4}$", SecretKey(page));
        Assert.Equal(32, key.Length);
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.Contains("Two-factor sign-in is on", after, StringComparison.Ordinal);
        Assert.Contains("10 of 10 recovery codes left", after, StringComparison.Ordinal);
        Assert.DoesNotContain(codes[0], after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetUp_WrongCode_IsRefusedAndItStaysOff()
    {
        using var client = await App.SignedInClientAsync("tf-wrong-setup", DashboardRoles.Viewer);
        var page = await client.GetStringAsync(new Uri("/account/two-factor", UriKind.Relative), TestContext.Current.CancellationToken);
        var key = SecretKey(page).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

        using var response = await PostAsync(client, "/account/two-factor", page, "enable-two-factor", ("Enable.Code", OtherCode(key)));
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Contains("That code is wrong or has expired", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Two-factor sign-in is on", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogIn_TwoFactorOn_AsksForTheCodeAndARightOneSignsIn()
    {
        using (var setup = await App.SignedInClientAsync("tf-login", DashboardRoles.Viewer))
        {
            var (key, _) = await SetUpAsync(setup);
            using var client = App.Client();

            using var password = await DashboardApp.LogInAsync(client, "tf-login", DashboardApp.UserPassword, "/runs");
            using var notYet = await client.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
            using var wrong = await SecondStepAsync(client, OtherCode(key), recovery: false, Where(password));
            using var right = await SecondStepAsync(client, new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(), recovery: false, Where(password));
            using var home = await client.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
            Assert.Equal("/login/two-factor?ReturnUrl=%2Fruns", Where(password));
            Assert.False(password.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("oneoff.auth=", StringComparison.Ordinal)), "no sign-in cookie before the code");
            Assert.Equal(HttpStatusCode.Redirect, notYet.StatusCode);
            Assert.StartsWith("/login", Where(notYet), StringComparison.Ordinal);
            Assert.Contains(LoginTwoFactor.WrongCode, WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
            Assert.Equal("/runs", Where(right));
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        }
    }

    [Fact]
    public async Task LogIn_RecoveryCode_WorksOnce()
    {
        using var setup = await App.SignedInClientAsync("tf-recovery", DashboardRoles.Viewer);
        var (_, codes) = await SetUpAsync(setup);

        using var first = App.Client();
        (await DashboardApp.LogInAsync(first, "tf-recovery", DashboardApp.UserPassword)).Dispose();
        using var used = await SecondStepAsync(first, codes[3], recovery: true);
        using var second = App.Client();
        (await DashboardApp.LogInAsync(second, "tf-recovery", DashboardApp.UserPassword)).Dispose();
        using var again = await SecondStepAsync(second, codes[3], recovery: true);
        var left = await setup.GetStringAsync(new Uri("/account/two-factor", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        Assert.Equal("/", Where(used));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains(LoginTwoFactor.WrongRecoveryCode, WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)), StringComparison.Ordinal);
        Assert.Contains("9 of 10 recovery codes left", left, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondStep_WithoutThePasswordStep_SaysToSignInAgain()
    {
        using var client = App.Client();

        var page = await client.GetStringAsync(new Uri("/login/two-factor", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("Your sign-in has expired or was not started.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Verify", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TurnOff_WithThePassword_SignsInWithoutACodeAgain()
    {
        using var client = await App.SignedInClientAsync("tf-off", DashboardRoles.Viewer);
        await SetUpAsync(client);
        var page = await client.GetStringAsync(new Uri("/account/two-factor", UriKind.Relative), TestContext.Current.CancellationToken);

        using var wrong = await PostAsync(client, "/account/two-factor", page, "disable-two-factor", ("Disable.Password", "Wrong-Pass-123"));
        using var off = await PostAsync(client, "/account/two-factor", page, "disable-two-factor", ("Disable.Password", DashboardApp.UserPassword));
        using var login = await DashboardApp.LogInAsync(App.Client(), "tf-off", DashboardApp.UserPassword);

        Assert.Contains("The password is wrong.", await wrong.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains("Two-factor sign-in is off.", await off.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal("/", Where(login));
    }

    [Fact]
    public async Task RequiredForAdmins_AdminWithoutIt_IsSentToTheSetUpAndCanUseNothingElseUntilDone()
    {
        using var folder = new TempFolder();
        await using var app = new DashboardApp(folder.Path, settings: new Dictionary<string, string?> { ["OneOff:Auth:RequireTwoFactorForAdmins"] = "true" });
        using var viewer = await app.SignedInClientAsync("tf-viewer", DashboardRoles.Viewer);
        using var admin = app.Client();

        using var login = await DashboardApp.LogInAsync(admin, "admin", DashboardApp.AdminPassword, "/admin/users");
        using var runs = await admin.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        using var hub = await admin.PostAsync(new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative), null, TestContext.Current.CancellationToken);
        using var viewerRuns = await viewer.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        var setUpPage = await admin.GetStringAsync(new Uri("/account/two-factor", UriKind.Relative), TestContext.Current.CancellationToken);
        var (key, _) = await SetUpAsync(admin);
        using var runsAfter = await admin.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        var onPage = await admin.GetStringAsync(new Uri("/account/two-factor", UriKind.Relative), TestContext.Current.CancellationToken);
        using var refused = await PostAsync(admin, "/account/two-factor", onPage, "disable-two-factor", ("Disable.Password", DashboardApp.AdminPassword));

        Assert.Equal("/account/two-factor?ReturnUrl=%2Fadmin%2Fusers", Where(login));
        Assert.Equal(HttpStatusCode.Redirect, runs.StatusCode);
        Assert.Equal("/account/two-factor?ReturnUrl=%2F", Where(runs));
        Assert.Equal(HttpStatusCode.Forbidden, hub.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viewerRuns.StatusCode);
        Assert.Contains("Admins must sign in with an authenticator app here", setUpPage, StringComparison.Ordinal);
        Assert.NotEmpty(key);
        Assert.Equal(HttpStatusCode.OK, runsAfter.StatusCode);
        Assert.DoesNotContain("Turn off two-factor sign-in", onPage, StringComparison.Ordinal);
        Assert.False(refused.IsSuccessStatusCode, $"turning it off was answered {refused.StatusCode}");
        Assert.Contains("Two-factor sign-in is on", await admin.GetStringAsync(new Uri("/account/two-factor", UriKind.Relative), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public void FormatKey_GroupsOfFourLowerCase()
    {
        Assert.Equal("abcd efgh ij", TwoFactor.FormatKey("ABCDEFGHIJ"));
    }

    /// <summary>Turns two-factor on for the signed-in client: the key from the page, a code from the key.</summary>
    private static async Task<(string Key, IReadOnlyList<string> Codes)> SetUpAsync(HttpClient client)
    {
        var page = await client.GetStringAsync(new Uri("/account/two-factor", UriKind.Relative), TestContext.Current.CancellationToken);
        var key = SecretKey(page).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var code = new Totp(Base32Encoding.ToBytes(key)).ComputeTotp();
        using var response = await PostAsync(client, "/account/two-factor", page, "enable-two-factor", ("Enable.Code", code));
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("Two-factor sign-in is on.", html, StringComparison.Ordinal);
        return (key, [.. RecoveryCodePattern().Matches(html).Select(m => m.Groups[1].Value)]);
    }

    private static async Task<HttpResponseMessage> SecondStepAsync(HttpClient client, string code, bool recovery, string? url = null)
    {
        url ??= recovery ? "/login/two-factor?recovery=true" : "/login/two-factor";
        var page = await client.GetStringAsync(new Uri(url, UriKind.Relative), TestContext.Current.CancellationToken);
        return await PostAsync(client, url, page, "two-factor", ("Input.Code", code), ("Input.Recovery", recovery ? "true" : "false"));
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string page, string handler, params (string Name, string Value)[] fields)
    {
        var form = new Dictionary<string, string> { ["_handler"] = handler, ["__RequestVerificationToken"] = DashboardApp.TokenOf(page) };
        foreach (var (name, value) in fields)
        {
            form[name] = value;
        }

        using var content = new FormUrlEncodedContent(form);
        return await client.PostAsync(new Uri(url, UriKind.Relative), content, TestContext.Current.CancellationToken);
    }

    private static string SecretKey(string page) => KeyPattern().Match(page) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("No key on the page.");

    /// <summary>A code that is not the current one (nor, but by a one-in-a-million chance, a neighbouring one).</summary>
    private static string OtherCode(string key) =>
        ((int.Parse(new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(), System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Where a redirect goes, as a local path (the page's redirects are absolute, the middleware's relative).</summary>
    private static string? Where(HttpResponseMessage response) =>
        response.Headers.Location is not { } location ? null : location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;

    [GeneratedRegex("<p class=\"secret-key\"[^>]*>([^<]+)</p>")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", RegexOptions.IgnoreCase)]
    private static partial Regex RecoveryCodePattern();
}
