using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Authentication;

public sealed class UserAdministrationTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private DashboardApp App => fixture.App;

    private UserAdministration Administration => App.Services.GetRequiredService<UserAdministration>();

    [Fact]
    public async Task AddSetLevelLockUnlock_Admin_ChangeTheUser()
    {
        var admin = await App.PrincipalAsync("admin");

        var added = await Administration.AddAsync(admin, "olga", "Quiet-Orchard-2026", DashboardRoles.Viewer, TestContext.Current.CancellationToken);
        var promoted = await Administration.SetLevelAsync(admin, "olga", DashboardRoles.Operator, TestContext.Current.CancellationToken);
        var asOperator = await App.PrincipalAsync("olga");
        var locked = await Administration.LockAsync(admin, "olga", TestContext.Current.CancellationToken);
        var whileLocked = (await Administration.ListAsync(admin, TestContext.Current.CancellationToken)).Single(u => u.UserName == "olga");
        var unlocked = await Administration.UnlockAsync(admin, "olga", TestContext.Current.CancellationToken);
        var after = (await Administration.ListAsync(admin, TestContext.Current.CancellationToken)).Single(u => u.UserName == "olga");

        Assert.Null(added);
        Assert.Null(promoted);
        Assert.True(asOperator.IsInRole(DashboardRoles.Operator) && asOperator.IsInRole(DashboardRoles.Viewer) && !asOperator.IsInRole(DashboardRoles.Admin));
        Assert.Null(locked);
        Assert.True(whileLocked.LockedOut);
        Assert.Null(unlocked);
        Assert.False(after.LockedOut);
        Assert.Equal(DashboardRoles.Operator, after.Level);
        Assert.True(after.MustChangePassword);
    }

    [Fact]
    public async Task LockedUser_CannotSignIn()
    {
        var admin = await App.PrincipalAsync("admin");
        await App.CreateUserAsync("locked-one", DashboardRoles.Viewer);
        await Administration.LockAsync(admin, "locked-one", TestContext.Current.CancellationToken);
        using var client = App.Client();

        using var response = await DashboardApp.LogInAsync(client, "locked-one", DashboardApp.UserPassword);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("locked", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Everything_Operator_IsRefused()
    {
        await App.CreateUserAsync("op-admin-test", DashboardRoles.Operator);
        var operatorUser = await App.PrincipalAsync("op-admin-test");

        var added = await Administration.AddAsync(operatorUser, "sneaky", "Sneaky-Pass-2026", DashboardRoles.Admin, TestContext.Current.CancellationToken);
        var promoted = await Administration.SetLevelAsync(operatorUser, "op-admin-test", DashboardRoles.Admin, TestContext.Current.CancellationToken);
        var listed = await Administration.ListAsync(operatorUser, TestContext.Current.CancellationToken);

        Assert.Equal("Only Admins can manage users.", added);
        Assert.Equal("Only Admins can manage users.", promoted);
        Assert.Empty(listed);
        Assert.DoesNotContain((await Administration.ListAsync(await App.PrincipalAsync("admin"), TestContext.Current.CancellationToken)), u => u.UserName == "sneaky");
    }

    [Theory]
    [InlineData("x", "Good-Pass-2026", "User name must be")]
    [InlineData("weakling", "weak", "Password must have")]
    [InlineData("admin", "Good-Pass-2026", "There is already a user 'admin'.")]
    public async Task AddAsync_BadInput_SaysWhatIsWrong(string userName, string password, string message)
    {
        var result = await Administration.AddAsync(await App.PrincipalAsync("admin"), userName, password, DashboardRoles.Viewer, TestContext.Current.CancellationToken);

        Assert.StartsWith(message, result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockAndSetLevel_Self_AreRefused()
    {
        var admin = await App.PrincipalAsync("admin");

        Assert.Equal("You cannot lock yourself out.", await Administration.LockAsync(admin, "admin", TestContext.Current.CancellationToken));
        Assert.Equal("You cannot change your own role.", await Administration.SetLevelAsync(admin, "admin", DashboardRoles.Viewer, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ChangePassword_SignedIn_ChangesItAndTheNewOneWorks()
    {
        using var client = await App.SignedInClientAsync("changer", DashboardRoles.Viewer);
        var page = await client.GetStringAsync(new Uri("/account/password", UriKind.Relative), TestContext.Current.CancellationToken);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            ["__RequestVerificationToken"] = DashboardApp.TokenOf(page),
            ["Input.Current"] = DashboardApp.UserPassword,
            ["Input.New"] = "Brand-New-Pass-7",
            ["Input.Confirm"] = "Brand-New-Pass-7",
        });

        using var changed = await client.PostAsync(new Uri("/account/password", UriKind.Relative), form, TestContext.Current.CancellationToken);
        using var fresh = App.Client();
        using var oldLogin = await DashboardApp.LogInAsync(fresh, "changer", DashboardApp.UserPassword);
        using var newLogin = await DashboardApp.LogInAsync(fresh, "changer", "Brand-New-Pass-7");

        Assert.Contains("Your password has been changed", await changed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, oldLogin.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, newLogin.StatusCode);
    }

    [Fact]
    public async Task ChangePassword_SameAsCurrent_IsRefusedAndNothingChanges()
    {
        using var client = await App.SignedInClientAsync("samepass", DashboardRoles.Viewer);

        using var changed = await PostChangeAsync(client, DashboardApp.UserPassword, DashboardApp.UserPassword);
        using var again = await DashboardApp.LogInAsync(App.Client(), "samepass", DashboardApp.UserPassword);

        Assert.Contains("The new password must differ from the current one.", await changed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }

    [Fact]
    public async Task ChangePassword_AdminWithAGeneratedPassword_DeletesTheInitialPasswordFile()
    {
        using var folder = new TempFolder();
        await using var app = new DashboardApp(folder.Path, generateAdminPassword: true);
        _ = app.Server;
        var file = Path.Combine(folder.Path, DatabaseInitializer.PasswordFileName);
        var generated = (await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).Trim();
        using var client = app.Client();
        (await DashboardApp.LogInAsync(client, "admin", generated)).Dispose();

        using var changed = await PostChangeAsync(client, generated, "Granite-Changed-2026");

        Assert.Contains("Your password has been changed", await changed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.False(File.Exists(file), "the generated password is deleted once changed");
    }

    private static async Task<HttpResponseMessage> PostChangeAsync(HttpClient client, string current, string next)
    {
        var page = await client.GetStringAsync(new Uri("/account/password", UriKind.Relative), TestContext.Current.CancellationToken);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            ["__RequestVerificationToken"] = DashboardApp.TokenOf(page),
            ["Input.Current"] = current,
            ["Input.New"] = next,
            ["Input.Confirm"] = next,
        });
        return await client.PostAsync(new Uri("/account/password", UriKind.Relative), form, TestContext.Current.CancellationToken);
    }
}
