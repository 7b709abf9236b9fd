using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Audit;

/// <summary>Every audited action, done as users do it (real HTTP, or the services the pages call), leaves its entry.</summary>
public sealed class AuditTrailTests(AuditFixture fixture) : IClassFixture<AuditFixture>
{
    private DashboardApp App => fixture.App;

    private UserAdministration Administration => App.Services.GetRequiredService<UserAdministration>();

    [Fact]
    public async Task SignIn_RightPassword_RecordsSignedInWithTheClientAddress()
    {
        await App.CreateUserAsync("trail-in", DashboardRoles.Viewer);

        using var login = await DashboardApp.LogInAsync(App.Client(), "Trail-In", DashboardApp.UserPassword);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var entry = Assert.Single(await EntriesAsync("trail-in"));
        Assert.Equal(AuditAction.SignedIn, entry.Action);
        Assert.Equal("trail-in", entry.Actor);
        Assert.Equal("Trail-In", entry.AttemptedUserName);
        Assert.Equal(AuditFixture.ClientAddress.ToString(), entry.ClientIp);
        Assert.InRange(entry.Utc, TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(-1), TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(1));
    }

    [Fact]
    public async Task SignIn_WrongPassword_RecordsAnAnonymousFailureWithTheNameTried()
    {
        await App.CreateUserAsync("trail-wrong", DashboardRoles.Viewer);

        using var login = await DashboardApp.LogInAsync(App.Client(), "trail-wrong", "Wrong-Pass-2026");
        using var unknown = await DashboardApp.LogInAsync(App.Client(), "trail-nobody", "Wrong-Pass-2026");

        var wrong = Assert.Single(await EntriesAsync("trail-wrong"));
        var nobody = Assert.Single(await EntriesAsync("trail-nobody"));
        Assert.Equal(AuditAction.SignInFailed, wrong.Action);
        Assert.Null(wrong.Actor);
        Assert.Equal("trail-wrong", wrong.AttemptedUserName);
        Assert.Equal(AuditFixture.ClientAddress.ToString(), wrong.ClientIp);
        Assert.Equal(AuditAction.SignInFailed, nobody.Action);
        Assert.Null(nobody.Actor);
    }

    [Fact]
    public async Task SignIn_FiveFailures_RecordsTheLockout()
    {
        await App.CreateUserAsync("trail-lockout", DashboardRoles.Viewer);
        using var client = App.Client();

        for (var i = 0; i < 5; i++)
        {
            (await DashboardApp.LogInAsync(client, "trail-lockout", "Wrong-Pass-2026")).Dispose();
        }

        var actions = (await EntriesAsync("trail-lockout")).Select(e => e.Action).ToList();
        Assert.Equal([.. Enumerable.Repeat(AuditAction.SignInFailed, 4), AuditAction.LockedOut], actions);
    }

    [Fact]
    public async Task Logout_SignedIn_RecordsSignedOut()
    {
        using var client = await App.SignedInClientAsync("trail-out", DashboardRoles.Viewer);
        var page = await client.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = DashboardApp.TokenOf(page) });

        using var logout = await client.PostAsync(new Uri("/logout", UriKind.Relative), form, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        var entry = (await EntriesAsync("trail-out"))[^1];
        Assert.Equal(AuditAction.SignedOut, entry.Action);
        Assert.Equal("trail-out", entry.Actor);
        Assert.Equal(AuditFixture.ClientAddress.ToString(), entry.ClientIp);
    }

    [Fact]
    public async Task ChangePassword_SignedIn_RecordsPasswordChangedAndNoPassword()
    {
        using var client = await App.SignedInClientAsync("trail-change", DashboardRoles.Viewer);
        var page = await client.GetStringAsync(new Uri("/account/password", UriKind.Relative), TestContext.Current.CancellationToken);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            ["__RequestVerificationToken"] = DashboardApp.TokenOf(page),
            ["Input.Current"] = DashboardApp.UserPassword,
            ["Input.New"] = "quiet harbor lantern 2026",
            ["Input.Confirm"] = "quiet harbor lantern 2026",
        });

        using var changed = await client.PostAsync(new Uri("/account/password", UriKind.Relative), form, TestContext.Current.CancellationToken);

        Assert.Contains("Your password has been changed", await changed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var entry = (await EntriesAsync("trail-change"))[^1];
        Assert.Equal(AuditAction.PasswordChanged, entry.Action);
        Assert.Equal("trail-change", entry.Actor);
        Assert.Equal("trail-change", entry.Target);
        Assert.Equal(AuditFixture.ClientAddress.ToString(), entry.ClientIp);
    }

    [Fact]
    public async Task UserAdministration_EachChange_IsRecordedWithItsActorAndDetail()
    {
        await App.CreateUserAsync("trail-boss", DashboardRoles.Admin);
        var admin = await App.PrincipalAsync("trail-boss");

        Assert.Null(await Administration.AddAsync(admin, "trail-olga", "Olga-Pass-2026", DashboardRoles.Viewer, TestContext.Current.CancellationToken));
        Assert.Null(await Administration.SetLevelAsync(admin, "trail-olga", DashboardRoles.Operator, TestContext.Current.CancellationToken));
        Assert.Null(await Administration.ResetPasswordAsync(admin, "trail-olga", "Olga-Reset-2026", TestContext.Current.CancellationToken));
        Assert.Null(await Administration.LockAsync(admin, "trail-olga", TestContext.Current.CancellationToken));
        Assert.Null(await Administration.UnlockAsync(admin, "trail-olga", TestContext.Current.CancellationToken));
        Assert.NotNull(await Administration.LockAsync(admin, "trail-boss", TestContext.Current.CancellationToken));

        var entries = (await EntriesAsync("trail-olga")).Select(e => (e.Action, e.Actor, e.Target, e.Detail)).ToList();
        Assert.Equal(
            [
                (AuditAction.UserAdded, "trail-boss", "trail-olga", DashboardRoles.Viewer),
                (AuditAction.RoleChanged, "trail-boss", "trail-olga", "Viewer → Operator"),
                (AuditAction.PasswordReset, "trail-boss", "trail-olga", "must change it at next sign-in"),
                (AuditAction.UserLocked, "trail-boss", "trail-olga", null),
                (AuditAction.UserUnlocked, "trail-boss", "trail-olga", null),
            ],
            entries);
        Assert.DoesNotContain(await AuditFixture.EntriesAsync(App), e => e.Target == "trail-boss");
    }

    [Fact]
    public async Task RunCommands_StartCancelDelete_AreRecordedWithTheRunId()
    {
        await App.CreateUserAsync("trail-op", DashboardRoles.Operator);
        var user = await App.PrincipalAsync("trail-op");

        var run = (await App.Commands.SubmitAsync(user, RunForms.Huge(), RunForms.Key(), TestContext.Current.CancellationToken)).Run!;
        var cancelled = await App.Commands.CancelAsync(user, run.Id, TestContext.Current.CancellationToken);
        await RunWaits.StateAsync(App.Runs, run.Id, RunState.Cancelled, RunState.Succeeded, RunState.Failed);
        var deleted = await App.Commands.DeleteAsync(user, run.Id, TestContext.Current.CancellationToken);

        Assert.True(cancelled.Succeeded);
        Assert.True(deleted.Succeeded);
        var entries = (await EntriesAsync("trail-op")).Select(e => (e.Action, e.Actor, e.Target)).ToList();
        Assert.Equal(
            [(AuditAction.RunStarted, "trail-op", run.Id), (AuditAction.RunCancelled, "trail-op", run.Id), (AuditAction.RunDeleted, "trail-op", run.Id)],
            entries);
    }

    [Fact]
    public async Task Entries_AfterEveryKindOfAction_HoldNoPasswordHashOrStamp()
    {
        await App.CreateUserAsync("trail-secret-boss", DashboardRoles.Admin);
        var admin = await App.PrincipalAsync("trail-secret-boss");
        using var client = await App.SignedInClientAsync("trail-secret", DashboardRoles.Viewer);
        (await DashboardApp.LogInAsync(App.Client(), "trail-secret", "Typed-Wrong-2026")).Dispose();
        await Administration.ResetPasswordAsync(admin, "trail-secret", "Secret-Reset-2026", TestContext.Current.CancellationToken);
        await Administration.AddAsync(admin, "trail-secret-2", "Secret-Added-2026", DashboardRoles.Viewer, TestContext.Current.CancellationToken);
        string[] secrets = ["Typed-Wrong-2026", "Secret-Reset-2026", "Secret-Added-2026", DashboardApp.UserPassword, DashboardApp.AdminPassword, .. await StoredSecretsAsync()];

        var texts = (await AuditFixture.EntriesAsync(App))
            .SelectMany(e => new[] { e.Actor, e.AttemptedUserName, e.Target, e.Detail, e.ClientIp })
            .OfType<string>()
            .ToList();

        Assert.NotEmpty(texts);
        Assert.All(secrets, secret => Assert.DoesNotContain(texts, t => t.Contains(secret, StringComparison.Ordinal)));
    }

    private async Task<IReadOnlyList<AuditEntry>> EntriesAsync(string user) =>
        [.. (await AuditFixture.EntriesAsync(App)).Where(e => e.Actor == user || e.AttemptedUserName?.ToLowerInvariant() == user || e.Target == user)];

    private async Task<IEnumerable<string>> StoredSecretsAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        return users.Users.AsEnumerable().SelectMany(u => new[] { u.PasswordHash, u.SecurityStamp, u.ConcurrencyStamp }).OfType<string>().ToList();
    }
}
