using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Authentication;

/// <summary>A generated or reset password must be changed before anything else (ASVS 2.3.1).</summary>
public sealed class PasswordChangeGateTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private DashboardApp App => fixture.App;

    [Theory]
    [InlineData("/")]
    [InlineData("/runs/20261125-101010-abcd")]
    [InlineData("/admin/users")]
    public async Task Page_PasswordStillToChange_SendsToTheChangePage(string path)
    {
        var (http, jar) = await SignInWithResetPasswordAsync($"gate-{path.Length}");

        using var response = await jar.SendAsync(http, HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/account/password?ReturnUrl={Uri.EscapeDataString(path)}", response.Headers.Location?.OriginalString);
        http.Dispose();
    }

    [Fact]
    public async Task BlazorHubAndCommands_PasswordStillToChange_AreRefused()
    {
        var (http, jar) = await SignInWithResetPasswordAsync("gate-hub");
        var principal = await App.PrincipalAsync("gate-hub");

        using var negotiate = await jar.SendAsync(http, HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1", headers: new Dictionary<string, string> { ["Origin"] = http.BaseAddress!.GetLeftPart(UriPartial.Authority) });
        var submitted = await App.Commands.SubmitAsync(principal, RunForms.Small(), RunForms.Key(), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, negotiate.StatusCode);
        Assert.NotNull(submitted.Refusal);
        Assert.Null(submitted.Run);
        http.Dispose();
    }

    [Fact]
    public async Task ChangePage_PasswordStillToChange_IsShownAndChangingItOpensTheRest()
    {
        var (http, jar) = await SignInWithResetPasswordAsync("gate-change");
        using var page = await jar.SendAsync(http, HttpMethod.Get, "/account/password");
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var meter = await jar.SendAsync(http, HttpMethod.Post, PasswordStrengthEndpoint.Path, new() { ["password"] = "quiet harbor lantern", ["__RequestVerificationToken"] = DashboardApp.TokenOf(html) });
        using var changed = await jar.SendAsync(http, HttpMethod.Post, "/account/password", new()
        {
            ["_handler"] = "change-password",
            ["__RequestVerificationToken"] = DashboardApp.TokenOf(html),
            ["Input.Current"] = DashboardApp.UserPassword,
            ["Input.New"] = "Another-Pass-2027",
            ["Input.Confirm"] = "Another-Pass-2027",
            ["ReturnUrl"] = "/",
        });
        using var home = await jar.SendAsync(http, HttpMethod.Get, "/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, meter.StatusCode);
        Assert.Contains("choose your own before you go on", html, StringComparison.Ordinal);
        Assert.Contains("Your password has been changed", await changed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        http.Dispose();
    }

    private async Task<(HttpClient Http, CookieJar Jar)> SignInWithResetPasswordAsync(string userName)
    {
        await App.CreateUserAsync(userName, DashboardRoles.Operator);
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
            var user = (await users.FindByNameAsync(userName))!;
            user.MustChangePassword = true;
            await users.UpdateAsync(user);
        }

        var http = App.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        var jar = new CookieJar();
        using var login = await jar.LogInAsync(http, userName, DashboardApp.UserPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return (http, jar);
    }
}
