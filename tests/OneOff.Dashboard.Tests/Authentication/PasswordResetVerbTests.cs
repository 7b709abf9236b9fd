using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Tests.Audit;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Authentication;

/// <summary><c>OneOff.Dashboard reset-password USER</c>, run as the operator runs it: a real process over a real data root.</summary>
public sealed class PasswordResetVerbTests
{
    private static readonly string s_dashboard = Path.Combine(AppContext.BaseDirectory, "OneOff.Dashboard.dll");

    [Fact]
    public async Task Reset_LockedOutAdmin_WritesAPrivateFileTheAdminSignsInWith()
    {
        using var folder = new TempFolder();
        var dataRoot = folder["data"];
        string oldStamp;
        await using (var app = new DashboardApp(dataRoot, generateAdminPassword: true))
        {
            _ = app.Server;
            for (var i = 0; i < 5; i++)
            {
                (await DashboardApp.LogInAsync(app.Client(), "admin", "Forgotten-Pass-1")).Dispose();
            }

            oldStamp = (await UserAsync(app, "admin")).SecurityStamp!;
        }

        var result = await RunVerbAsync(folder.Path, ["reset-password", "admin"]);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StdErr}{result.StdOut}");
        var file = Path.Combine(dataRoot, "password-reset-admin");
        var password = (await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).Trim();

        Assert.Equal($"Reset the password of 'admin' and unlocked the account. The new password is in {file} (readable by this account only); sign in with it and choose a new one.", result.StdOut.Trim());
        Assert.Equal("", result.StdErr);
        Assert.DoesNotContain(password, result.StdOut, StringComparison.Ordinal);
        Assert.Equal(20, password.Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.False(File.Exists(Path.Combine(dataRoot, DatabaseInitializer.PasswordFileName)), "the stale first password is gone");
        await using var restarted = new DashboardApp(dataRoot, generateAdminPassword: true);
        _ = restarted.Server;
        var user = await UserAsync(restarted, "admin");
        using var login = await DashboardApp.LogInAsync(restarted.Client(), "admin", password, "/runs");

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.StartsWith("/account/password", login.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
        Assert.True(user.MustChangePassword);
        Assert.Equal(0, user.AccessFailedCount);
        Assert.Null(user.LockoutEnd);
        Assert.NotEqual(oldStamp, user.SecurityStamp);
        var entry = Assert.Single(await AuditFixture.EntriesAsync(restarted), e => e.Action == AuditAction.PasswordReset);
        Assert.Equal((AuditLog.CommandLine, "admin", "unlocked; must change it at next sign-in"), (entry.Actor, entry.Target, entry.Detail));
    }

    [Fact]
    public async Task Reset_ThenChangePassword_DeletesTheResetFile()
    {
        using var folder = new TempFolder();
        await using (var app = new DashboardApp(folder.Path))
        {
            _ = app.Server;
            await app.CreateUserAsync("forgetful", DashboardRoles.Viewer);
        }

        var result = await RunVerbAsync(folder.Path, ["reset-password", "Forgetful"], dataRoot: folder.Path);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StdErr}{result.StdOut}");
        var file = Path.Combine(folder.Path, "password-reset-forgetful");
        var password = (await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).Trim();
        await using var restarted = new DashboardApp(folder.Path);
        _ = restarted.Server;
        using var client = restarted.Client();
        (await DashboardApp.LogInAsync(client, "forgetful", password)).Dispose();
        var page = await client.GetStringAsync(new Uri("/account/password", UriKind.Relative), TestContext.Current.CancellationToken);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            ["__RequestVerificationToken"] = DashboardApp.TokenOf(page),
            ["Input.Current"] = password,
            ["Input.New"] = "Remembered-Pass-2026",
            ["Input.Confirm"] = "Remembered-Pass-2026",
        });
        using var changed = await client.PostAsync(new Uri("/account/password", UriKind.Relative), form, TestContext.Current.CancellationToken);

        Assert.Contains("Your password has been changed", await changed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.False(File.Exists(file), "the reset password is deleted once changed");
    }

    [Fact]
    public async Task Reset_UnknownUser_ExitsTwoWithOneLineAndChangesNothing()
    {
        using var folder = new TempFolder();
        string stamp;
        await using (var app = new DashboardApp(folder.Path))
        {
            _ = app.Server;
            stamp = (await UserAsync(app, "admin")).SecurityStamp!;
        }

        var result = await RunVerbAsync(folder.Path, ["reset-password", "nobody"], dataRoot: folder.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"reset-password: there is no user 'nobody' in {Path.Combine(folder.Path, "oneoff.db")}; the users are: admin.", Assert.Single(Lines(result.StdErr)));
        Assert.Equal("", result.StdOut);
        Assert.Empty(Directory.EnumerateFiles(folder.Path, "password-reset-*"));
        await using var again = new DashboardApp(folder.Path);
        _ = again.Server;
        Assert.Equal(stamp, (await UserAsync(again, "admin")).SecurityStamp);
        Assert.DoesNotContain(await AuditFixture.EntriesAsync(again), e => e.Action == AuditAction.PasswordReset);
    }

    [Fact]
    public async Task Reset_NoDatabase_ExitsTwoAndCreatesNothing()
    {
        using var folder = new TempFolder();

        var result = await RunVerbAsync(folder.Path, ["reset-password", "admin"]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"reset-password: there is no dashboard database at {Path.Combine(folder.Path, "data", "oneoff.db")}; set OneOff:DataRoot", Assert.Single(Lines(result.StdErr)), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("2: admin other")]
    [InlineData("1: --force")]
    public async Task Reset_BadArguments_ExitsTwoWithOneLine(string given)
    {
        using var folder = new TempFolder();
        string[] arguments = given == "none" ? [] : given[3..].Split(' ');

        var result = await RunVerbAsync(folder.Path, ["reset-password", .. arguments]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"reset-password: give exactly one user name, e.g. 'reset-password admin' (got {given}); see 'reset-password --help'.", Assert.Single(Lines(result.StdErr)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public async Task Reset_BadSetting_ExitsTwoWithTheKeyInOneLine()
    {
        using var folder = new TempFolder();

        var result = await RunVerbAsync(folder.Path, ["reset-password", "admin"], environment: new() { ["OneOff__Runs__MaxConcurrent"] = "0" });

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("OneOff:Runs:MaxConcurrent must be from 1 to 64 (got 0).", Assert.Single(Lines(result.StdErr)));
    }

    [Fact]
    public async Task Help_PrintsUsageAndExitsZero()
    {
        using var folder = new TempFolder();

        var result = await RunVerbAsync(folder.Path, ["reset-password", "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Usage: OneOff.Dashboard reset-password USER", result.StdOut, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    private static Task<ProcessRunner.Result> RunVerbAsync(string workingDirectory, IEnumerable<string> arguments, string? dataRoot = null, Dictionary<string, string?>? environment = null)
    {
        environment ??= [];
        if (dataRoot is not null)
        {
            environment["OneOff__DataRoot"] = dataRoot;
        }

        return ProcessRunner.RunAsync("dotnet", [s_dashboard, .. arguments], workingDirectory, environment: environment, timeout: TimeSpan.FromSeconds(60));
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static async Task<DashboardUser> UserAsync(DashboardApp app, string name)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        return await users.FindByNameAsync(name) ?? throw new InvalidOperationException($"No user {name}.");
    }
}
