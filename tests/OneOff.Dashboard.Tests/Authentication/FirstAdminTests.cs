using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Authentication;

/// <summary>
/// OneOff:Admin:UserName and OneOff:Admin:Password name the first admin and set its password at the very first
/// start only, and say so later.
/// </summary>
public sealed class FirstAdminTests
{
    [Fact]
    public async Task Restart_AdminPasswordSetAgain_IsIgnoredAndTheLogSaysSo()
    {
        using var folder = new TempFolder();
        await using (var first = new DashboardApp(folder.Path))
        {
            _ = first.Server;
        }

        var logs = new CapturingLogs();
        await using var second = new DashboardApp(folder.Path, services => services.AddSingleton<ILoggerProvider>(logs),
            new Dictionary<string, string?> { ["OneOff:Admin:Password"] = "Another-Pass-2026" });
        _ = second.Server;
        using var withNew = await DashboardApp.LogInAsync(second.Client(), "admin", "Another-Pass-2026");
        using var withOld = await DashboardApp.LogInAsync(second.Client(), "admin", DashboardApp.AdminPassword);

        Assert.Contains(logs.Messages, m => m.StartsWith("OneOff:Admin:Password is set but ignored", StringComparison.Ordinal));
        Assert.Equal(System.Net.HttpStatusCode.OK, withNew.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, withOld.StatusCode);
    }

    [Fact]
    public async Task FirstStart_AdminUserNameSet_CreatesThatAdminAndNoAdminNamedAdmin()
    {
        using var folder = new TempFolder();
        await using var app = new DashboardApp(folder.Path, settings: new Dictionary<string, string?> { ["OneOff:Admin:UserName"] = "root" }) { CancelRunsOnDispose = false };
        _ = app.Server;

        using var asRoot = await DashboardApp.LogInAsync(app.Client(), "root", DashboardApp.AdminPassword);
        using var asAdmin = await DashboardApp.LogInAsync(app.Client(), "admin", DashboardApp.AdminPassword);

        Assert.Equal(System.Net.HttpStatusCode.Redirect, asRoot.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, asAdmin.StatusCode);
        Assert.True((await app.PrincipalAsync("root")).IsInRole(DashboardRoles.Admin));
    }

    [Fact]
    public async Task Restart_AdminUserNameChanged_CreatesNobodyAndTheLogSaysSo()
    {
        using var folder = new TempFolder();
        await using (var first = new DashboardApp(folder.Path))
        {
            _ = first.Server;
        }

        var logs = new CapturingLogs();
        await using var second = new DashboardApp(folder.Path, services => services.AddSingleton<ILoggerProvider>(logs),
            new Dictionary<string, string?> { ["OneOff:Admin:UserName"] = "root" });
        _ = second.Server;
        using var asRoot = await DashboardApp.LogInAsync(second.Client(), "root", DashboardApp.AdminPassword);
        using var asAdmin = await DashboardApp.LogInAsync(second.Client(), "admin", DashboardApp.AdminPassword);

        Assert.Contains(logs.Messages, m => m.StartsWith("OneOff:Admin:UserName is 'root' but no user of that name is created: users exist already", StringComparison.Ordinal));
        Assert.Equal(System.Net.HttpStatusCode.OK, asRoot.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, asAdmin.StatusCode);
    }

    [Fact]
    public async Task ChangePassword_NamedAdminWithAGeneratedPassword_DeletesTheInitialPasswordFile()
    {
        using var folder = new TempFolder();
        await using var app = new DashboardApp(folder.Path, settings: new Dictionary<string, string?> { ["OneOff:Admin:UserName"] = "ops-lead" }, generateAdminPassword: true)
        {
            CancelRunsOnDispose = false,
        };
        _ = app.Server;
        var file = Path.Combine(folder.Path, DatabaseInitializer.PasswordFileName);
        var generated = (await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).Trim();
        using var client = app.Client();
        (await DashboardApp.LogInAsync(client, "ops-lead", generated)).Dispose();
        var page = await client.GetStringAsync(new Uri("/account/password", UriKind.Relative), TestContext.Current.CancellationToken);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            ["__RequestVerificationToken"] = DashboardApp.TokenOf(page),
            ["Input.Current"] = generated,
            ["Input.New"] = "Lead-Changed-2026",
            ["Input.Confirm"] = "Lead-Changed-2026",
        });

        using var changed = await client.PostAsync(new Uri("/account/password", UriKind.Relative), form, TestContext.Current.CancellationToken);

        Assert.Contains("Your password has been changed", await changed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.False(File.Exists(file), "the generated password of the named admin is deleted once changed");
    }

    [Fact]
    public async Task Start_BadAdminUserName_StopsWithOneLineNamingTheKey()
    {
        using var folder = new TempFolder();

        var result = await ProcessRunner.RunAsync(
            "dotnet", [Path.Combine(AppContext.BaseDirectory, "OneOff.Dashboard.dll")], folder.Path,
            environment: new Dictionary<string, string?> { ["OneOff__Admin__UserName"] = "the boss", ["ASPNETCORE_URLS"] = "http://127.0.0.1:0" },
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            "OneOff:Admin:UserName must be 2 to 64 characters of ASCII letters, digits, '.', '-' and '_' (got 'the boss'); leave it unset for admin.",
            Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "data")), "nothing is written");
    }

    private sealed class CapturingLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }
}
