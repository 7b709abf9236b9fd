using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Configuration;

/// <summary>
/// The dashboard as an operator runs it: <c>dotnet publish</c>, then started from another folder (a systemd unit,
/// any <c>cd</c> elsewhere). Its own files come from its install folder; only the data root is relative to where it
/// was started.
/// </summary>
public sealed partial class PublishedAppTests : IDisposable
{
    private const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Published_StartedFromAnotherFolder_ServesItsAssetsCarriesTheJobAndKeepsItsDataPrivate()
    {
        var app = Path.Combine(_folder.Path, "app");
        var elsewhere = Directory.CreateDirectory(Path.Combine(_folder.Path, "elsewhere")).FullName;
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var publish = await ProcessRunner.RunAsync(
            "dotnet", ["publish", Path.Combine(RepoPaths.Root, "src", "Dashboard", "OneOff.Dashboard.csproj"), "-c", configuration, "--no-build", "-o", app, "-nologo", "-v", "q"],
            timeout: TimeSpan.FromMinutes(8)); // a cold job bundle build waits for the other test processes' (one at a time)
        Assert.True(publish.ExitCode == 0, publish.StdOut + publish.StdErr);

        var port = LoopbackPorts.Free();
        using var process = Start(Path.Combine(app, "OneOff.Dashboard.dll"), elsewhere, port);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            await WaitHealthyAsync(http, process);
            using var login = await http.GetAsync(new Uri("login", UriKind.Relative), Ct);
            var page = await login.Content.ReadAsStringAsync(Ct);
            var assets = AssetPattern().Matches(page).Select(m => m.Groups[1].Value).ToList();

            Assert.Contains(assets, a => a.EndsWith(".css", StringComparison.Ordinal));
            Assert.Contains(assets, a => a.EndsWith("blazor.web.js", StringComparison.Ordinal));
            foreach (var asset in assets)
            {
                var bytes = await http.GetByteArrayAsync(new Uri(asset.TrimStart('/'), UriKind.Relative), Ct);
                Assert.True(bytes.Length > 100, $"{asset} answered {bytes.Length} bytes.");
            }

            Assert.False(login.Headers.Contains("Server"), "The Server header tells attackers what to try.");
            var probe = await HealthAsync(app, port);
            Assert.True(probe.ExitCode == 0, probe.StdOut + probe.StdErr);
            Assert.StartsWith("Healthy", probe.StdOut, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(app, "job", "oneoff-job.dll")), "the publish carries the job");
            Assert.False(File.Exists(Path.Combine(app, "job", "libduckdb.so")));
            foreach (var bundled in new[] { "job/linux-x64/oneoff-job", "job/linux-arm64/oneoff-job", "driver.py", "bootstrap.sh" })
            {
                Assert.True(File.Exists(Path.Combine(app, "bundle", bundled)), $"the publish carries the job bundle's {bundled}");
            }

            // The bundle's self-contained builds are in bundle/ only: not a second time under job/ (180 MB).
            Assert.Empty(Directory.GetDirectories(Path.Combine(app, "job"), "linux-*"));
            var data = Path.Combine(elsewhere, "data");
            Assert.True(File.Exists(Path.Combine(data, "oneoff.db")), "the data root is relative to the working directory");
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(OwnerFolder, File.GetUnixFileMode(data));
                Assert.Equal(OwnerFolder, File.GetUnixFileMode(Path.Combine(data, "keys")));
                foreach (var file in Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories))
                {
                    Assert.True(File.GetUnixFileMode(file) == OwnerFile, $"{file} is {File.GetUnixFileMode(file)}");
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Ct);
        }

        var gone = await HealthAsync(app, port);
        Assert.Equal(1, gone.ExitCode);
        Assert.StartsWith("Unhealthy: the dashboard at", Assert.Single(gone.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    /// <summary>The container's HEALTHCHECK: <c>dotnet OneOff.Dashboard.dll health</c> with the app's own ASPNETCORE_URLS.</summary>
    private static Task<ProcessRunner.Result> HealthAsync(string app, int port) =>
        ProcessRunner.RunAsync(
            "dotnet", [Path.Combine(app, "OneOff.Dashboard.dll"), "health"],
            environment: new Dictionary<string, string?> { ["ASPNETCORE_URLS"] = $"http://+:{port}" },
            timeout: TimeSpan.FromSeconds(60));

    public void Dispose() => _folder.Dispose();

    private static Process Start(string dll, string workingDirectory, int port)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["OneOff__Admin__Password"] = DashboardApp.AdminPassword;
        start.Environment.Remove("OneOff__DataRoot");
        var process = Process.Start(start) ?? throw new InvalidOperationException("The dashboard did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthyAsync(HttpClient http, Process process)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
        {
            try
            {
                using var health = await http.GetAsync(new Uri("healthz", UriKind.Relative), Ct);
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250, Ct);
        }

        Assert.Fail(process.HasExited ? $"The dashboard exited with {process.ExitCode}." : "The dashboard did not become healthy in 60 s.");
    }

    [GeneratedRegex("(?:href|src)=\"([^\"#?]+\\.(?:css|js))\"")]
    private static partial Regex AssetPattern();
}
