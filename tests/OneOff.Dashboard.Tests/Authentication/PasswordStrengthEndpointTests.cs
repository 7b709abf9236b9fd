using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Configuration;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Authentication;

/// <summary>The strength meter's endpoint (ASVS 2.1.8): the server's own rule, for signed-in callers with a token.</summary>
public sealed class PasswordStrengthEndpointTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private DashboardApp App => fixture.App;

    [Fact]
    public async Task Post_CommonPassword_IsScoredLowWithTheReason()
    {
        using var client = await App.SignedInClientAsync("meter-weak", DashboardRoles.Viewer);

        var strength = await AskAsync(client, ("password", "Password1234"));

        Assert.Equal(0, strength.Score);
        Assert.False(strength.Acceptable);
        Assert.Equal("Very weak", strength.Label);
        Assert.StartsWith("This password is too easy to guess", strength.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Passphrase_IsAccepted()
    {
        using var client = await App.SignedInClientAsync("meter-strong", DashboardRoles.Viewer);

        var strength = await AskAsync(client, ("password", "copper kettle sings at dawn"));

        Assert.True(strength.Score >= PasswordRules.MinScore);
        Assert.True(strength.Acceptable);
        Assert.Equal("Good: this password is accepted.", strength.Message);
    }

    [Fact]
    public async Task Post_ThePasswordContainsTheName_IsRefusedForTheSignedInUserOrTheNamedOne()
    {
        using var client = await App.SignedInClientAsync("meterman", DashboardRoles.Admin);

        var own = await AskAsync(client, ("password", "meterman-harbor-lantern"));
        var other = await AskAsync(client, ("password", "meterman-harbor-lantern"), ("userName", "someone"));
        var named = await AskAsync(client, ("password", "zelda-harbor-lantern"), ("userName", "zelda"));

        Assert.Equal("This password must not contain the user name.", own.Message);
        Assert.True(other.Acceptable);
        Assert.False(named.Acceptable);
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_IsRefused()
    {
        using var client = await App.SignedInClientAsync("meter-forged", DashboardRoles.Viewer);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["password"] = "Password1234" });

        using var response = await client.PostAsync(new Uri(PasswordStrengthEndpoint.Path, UriKind.Relative), form, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Post_SignedOut_IsNotAnswered()
    {
        using var client = App.Client();
        var token = DashboardApp.TokenOf(await client.GetStringAsync(new Uri("/login", UriKind.Relative), TestContext.Current.CancellationToken));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["password"] = "Password1234", ["__RequestVerificationToken"] = token });

        using var response = await client.PostAsync(new Uri(PasswordStrengthEndpoint.Path, UriKind.Relative), form, TestContext.Current.CancellationToken);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Pages_EveryPasswordField_HasAToggleAndEveryNewOneAMeter()
    {
        using var admin = App.Client();
        (await DashboardApp.LogInAsync(admin, "admin", DashboardApp.AdminPassword)).Dispose();
        await App.CreateUserAsync("meter-target", DashboardRoles.Viewer);

        var login = await App.Client().GetStringAsync(new Uri("/login", UriKind.Relative), TestContext.Current.CancellationToken);
        var change = await admin.GetStringAsync(new Uri("/account/password", UriKind.Relative), TestContext.Current.CancellationToken);
        var users = await admin.GetStringAsync(new Uri("/admin/users", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("data-reveal=\"password\"", login, StringComparison.Ordinal);
        Assert.DoesNotContain("data-strength-for", login, StringComparison.Ordinal);
        Assert.Matches("<script src=\"password\\.[a-z0-9]+\\.js\"></script>", login);
        Assert.Contains("data-reveal=\"new\"", change, StringComparison.Ordinal);
        Assert.Contains("data-reveal=\"confirm\"", change, StringComparison.Ordinal);
        Assert.Contains("data-strength-for=\"new\"", change, StringComparison.Ordinal);
        Assert.Contains("aria-live=\"polite\"", change, StringComparison.Ordinal);
        Assert.Contains("data-strength-for=\"new-password\"", users, StringComparison.Ordinal);
        Assert.Contains("data-reveal=\"reset-meter-target\"", users, StringComparison.Ordinal);
        Assert.Contains("data-strength-for=\"reset-meter-target\" data-strength-user=\"meter-target\"", users, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartupProblem_RequireTwoFactorNotABoolean_IsOneLineNamingTheKey()
    {
        using var folder = new TempFolder();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection([new("OneOff:DataRoot", folder.Path), new("OneOff:Auth:RequireTwoFactorForAdmins", "sometimes")]);
        builder.AddOneOffDashboard();
        await using var app = builder.Build();

        var problem = DashboardHostingExtensions.StartupProblem(app.Services);

        Assert.NotNull(problem);
        Assert.Contains("OneOff:Auth:RequireTwoFactorForAdmins", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    private static async Task<PasswordStrengthResponse> AskAsync(HttpClient client, params (string Name, string Value)[] fields)
    {
        var page = await client.GetStringAsync(new Uri("/account/password", UriKind.Relative), TestContext.Current.CancellationToken);
        var form = fields.ToDictionary(f => f.Name, f => f.Value);
        form["__RequestVerificationToken"] = DashboardApp.TokenOf(page);
        using var content = new FormUrlEncodedContent(form);
        using var response = await client.PostAsync(new Uri(PasswordStrengthEndpoint.Path, UriKind.Relative), content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        return await response.Content.ReadFromJsonAsync<PasswordStrengthResponse>(TestContext.Current.CancellationToken)
            ?? throw new InvalidOperationException("No answer.");
    }
}
