using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Configuration;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Authentication;

/// <summary>ASVS 4.0.3 2.1.1, 2.1.2, 2.1.7, 2.1.9: one password rule on every path that sets a password.</summary>
public sealed class PasswordRulesTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private const string Passphrase = "copper kettle sings at dawn";

    private DashboardApp App => fixture.App;

    [Theory]
    [InlineData("Password12")]
    [InlineData("Password1234")]
    [InlineData("qwertyuiop12")]
    [InlineData("iloveyou2026")]
    [InlineData("aaaaaaaaaaaaaaaa")]
    [InlineData("abcdefghijklmnop")]
    public void Check_CommonOrPatternPassword_IsTooEasyToGuess(string password)
    {
        var problem = PasswordRules.Check(password, "someone");

        Assert.NotNull(problem);
        Assert.StartsWith(password.Length < PasswordRules.MinLength ? "must have at least" : "is too easy to guess", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Passphrase)]
    [InlineData("Harbor-Lantern-2026")]
    [InlineData("river otter, seven lamps")]
    [InlineData("Kx7pQ2mZ9vR4")]
    public void Check_StrongPasswordWithoutAnyComposition_IsAccepted(string password)
    {
        Assert.Null(PasswordRules.Check(password, "someone"));
    }

    [Fact]
    public void Check_ElevenCharacters_IsTooShortAndTwelveRandomAreEnough()
    {
        Assert.StartsWith("must have at least 12 characters (it has 11)", PasswordRules.Check("Kx7pQ2mZ9vR", "someone"), StringComparison.Ordinal);
        Assert.Null(PasswordRules.Check("Kx7pQ2mZ9vRt", "someone"));
    }

    [Fact]
    public void Check_LongPassphrases_AreAcceptedTo128AndRefusedPast()
    {
        var words = string.Join(' ', Enumerable.Repeat("granite willow ferry", 10));
        var at64 = "Tundra-Velvet-Orbit-" + words[..44];
        var at128 = "Tundra-Velvet-Orbit-" + words[..108];

        Assert.Equal(64, at64.Length);
        Assert.Equal(128, at128.Length);
        Assert.Null(PasswordRules.Check(at64, "someone"));
        Assert.Null(PasswordRules.Check(at128, "someone"));
        Assert.Equal("must have at most 128 characters (it has 129)", PasswordRules.Check(at128 + "x", "someone"));
    }

    [Theory]
    [InlineData("margaret", "Margaret-Harbor-2026")]
    [InlineData("olga", "quiet orchard olga 77")]
    public void Check_ContainsTheUserName_IsRefused(string userName, string password)
    {
        Assert.Null(PasswordRules.Check(password, "someone-else"));
        Assert.Equal("must not contain the user name", PasswordRules.Check(password, userName));
    }

    [Fact]
    public void Estimate_WeakPassword_ScoresLowWithAdviceAndStrongScoresHigh()
    {
        var weak = PasswordRules.Estimate("Password1234");
        var strong = PasswordRules.Estimate(Passphrase);

        Assert.Equal(0, weak.Score);
        Assert.False(weak.Acceptable);
        Assert.Contains("It contains one of the most common passwords.", weak.Suggestions);
        Assert.True(strong.Score >= PasswordRules.MinScore);
        Assert.True(strong.Acceptable);
        Assert.Empty(strong.Suggestions);
    }

    [Fact]
    public void Apply_IdentityOptions_HaveNoCompositionRules()
    {
        var options = new PasswordOptions();

        PasswordRules.Apply(options);

        Assert.Equal(12, options.RequiredLength);
        Assert.False(options.RequireDigit || options.RequireLowercase || options.RequireUppercase || options.RequireNonAlphanumeric);
        Assert.Equal(1, options.RequiredUniqueChars);
    }

    [Fact]
    public void AdminOptionsValidator_CommonPassword_NamesTheKeyWithoutThePassword()
    {
        var result = new AdminOptionsValidator().Validate(null, new AdminOptions { Password = "Password1234" });

        Assert.StartsWith("OneOff:Admin:Password is too easy to guess", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("Password1234", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AdminOptionsValidator_ContainsAdmin_IsRefused()
    {
        var result = new AdminOptionsValidator().Validate(null, new AdminOptions { Password = "Admin-Pass-2026" });

        Assert.Equal("OneOff:Admin:Password must not contain the user name (leave it unset to have one generated).", result.FailureMessage);
    }

    [Fact]
    public async Task StartupProblem_WeakAdminPassword_IsOneLineNamingTheKey()
    {
        using var folder = new TempFolder();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection([new("OneOff:DataRoot", folder.Path), new("OneOff:Admin:Password", "qwertyuiop12")]);
        builder.AddOneOffDashboard();
        await using var app = builder.Build();

        var problem = DashboardHostingExtensions.StartupProblem(app.Services);

        Assert.NotNull(problem);
        Assert.StartsWith("OneOff:Admin:Password is too easy to guess", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    [Fact]
    public async Task CreateAsync_ThroughIdentity_UsesTheSameRule()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();

        var common = await users.CreateAsync(new DashboardUser { UserName = "identity-common" }, "Password1234");
        var named = await users.CreateAsync(new DashboardUser { UserName = "identity-named" }, "identity-named-is-me");
        var passphrase = await users.CreateAsync(new DashboardUser { UserName = "identity-ok" }, Passphrase);

        Assert.Equal(PasswordPolicyValidator.ErrorCode, Assert.Single(common.Errors).Code);
        Assert.Equal("Password must not contain the user name.", Assert.Single(named.Errors).Description);
        Assert.True(passphrase.Succeeded);
    }

    [Fact]
    public async Task AdminAddAndReset_CommonPassword_AreRefusedAndAPassphraseWorks()
    {
        var admin = await App.PrincipalAsync("admin");
        var administration = App.Services.GetRequiredService<UserAdministration>();

        var weakAdd = await administration.AddAsync(admin, "newbie", "Password12", DashboardRoles.Viewer, TestContext.Current.CancellationToken);
        var added = await administration.AddAsync(admin, "newbie", Passphrase, DashboardRoles.Viewer, TestContext.Current.CancellationToken);
        var weakReset = await administration.ResetPasswordAsync(admin, "newbie", "qwertyuiop12", TestContext.Current.CancellationToken);
        var namedReset = await administration.ResetPasswordAsync(admin, "newbie", "newbie-harbor-lantern", TestContext.Current.CancellationToken);

        Assert.StartsWith("Password must have at least 12 characters", weakAdd, StringComparison.Ordinal);
        Assert.Null(added);
        Assert.StartsWith("Password is too easy to guess", weakReset, StringComparison.Ordinal);
        Assert.Equal("Password must not contain the user name.", namedReset);
    }

    [Fact]
    public async Task ChangePassword_CommonNewPassword_IsRefusedWithTheReason()
    {
        using var client = await App.SignedInClientAsync("changer-weak", DashboardRoles.Viewer);
        var page = await client.GetStringAsync(new Uri("/account/password", UriKind.Relative), TestContext.Current.CancellationToken);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            ["__RequestVerificationToken"] = DashboardApp.TokenOf(page),
            ["Input.Current"] = DashboardApp.UserPassword,
            ["Input.New"] = "Password1234",
            ["Input.Confirm"] = "Password1234",
        });

        using var changed = await client.PostAsync(new Uri("/account/password", UriKind.Relative), form, TestContext.Current.CancellationToken);
        var html = await changed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Contains("The new password is too easy to guess", html, StringComparison.Ordinal);
        Assert.Contains("data-strength-for=\"new\"", page, StringComparison.Ordinal);
        Assert.Contains("data-reveal=\"current\"", page, StringComparison.Ordinal);
    }
}
