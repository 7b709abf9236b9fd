using System.Diagnostics;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Configuration;

/// <summary>Starts the built dashboard as a process, as a user does.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Start_BadSetting_StopsWithOneLineNamingTheKey()
    {
        using var folder = new TempFolder();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "OneOff.Dashboard.dll"));
        start.Environment["OneOff__Runs__MaxConcurrent"] = "0";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("OneOff:Runs:MaxConcurrent must be from 1 to 64 (got 0).", Assert.Single(lines));
        Assert.DoesNotContain("Exception", await stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "data")), "nothing is written");
    }

    [Theory]
    [InlineData("/proc/oneoff-test/data", "OneOff:DataRoot '/proc/oneoff-test/data' cannot be created: '/proc' is not writable by this user.")]
    [InlineData("/etc/hostname/data", "OneOff:DataRoot '/etc/hostname/data' cannot be created: its parent is not a folder.")]
    public async Task Start_DataRootThatCannotBeCreated_StopsWithOneLineNamingTheKey(string dataRoot, string message)
    {
        using var folder = new TempFolder();
        var result = await ProcessRunner.RunAsync(
            "dotnet", [Path.Combine(AppContext.BaseDirectory, "OneOff.Dashboard.dll")], folder.Path,
            environment: new Dictionary<string, string?> { ["OneOff__DataRoot"] = dataRoot, ["ASPNETCORE_URLS"] = "http://127.0.0.1:0" },
            timeout: TimeSpan.FromSeconds(60));
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(message, Assert.Single(lines), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoAdminPassword_WritesAGeneratedOneReadableByTheOwnerOnly()
    {
        using var folder = new TempFolder();
        await using var app = new DashboardApp(folder.Path, generateAdminPassword: true);
        _ = app.Server;
        var path = Path.Combine(folder.Path, "initial-admin-password");
        var password = (await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)).Trim();
        using var client = app.Client();

        using var login = await DashboardApp.LogInAsync(client, "admin", password, "/runs");

        Assert.Equal(20, password.Length);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, login.StatusCode);
        Assert.StartsWith("/account/password", new Uri(client.BaseAddress!, login.Headers.Location!).PathAndQuery, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }
}
