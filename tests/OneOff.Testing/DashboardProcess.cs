using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace OneOff.Testing;

/// <summary>
/// The built dashboard (<c>src/Dashboard/bin/{configuration}/net10.0/OneOff.Dashboard.dll</c>) as its own process on
/// a free loopback port, configured only by environment variables, as an operator runs it; it can be killed outright
/// (SIGKILL: no shutdown code runs) and started again on the same data root and port.
/// </summary>
public sealed class DashboardProcess : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private Process? _process;

    /// <param name="environment">Its settings (<c>OneOff__…</c>, <c>AWS_…</c>); the port and the admin password are added.</param>
    public DashboardProcess(IReadOnlyDictionary<string, string> environment)
    {
        Port = LoopbackPorts.Free();
        _environment = environment;
    }

    /// <summary>Where it listens.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public int Port { get; }

    /// <summary>What it wrote to stdout and stderr so far (for a failing test's message).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts it and waits until <c>/healthz</c> answers; throws with its output when it exits or does not answer in time.</summary>
    public async Task StartAsync()
    {
        var configuration = typeof(DashboardProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var dll = Path.Combine(RepoPaths.Root, "src", "Dashboard", "bin", configuration, "net10.0", "OneOff.Dashboard.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        info.ArgumentList.Add(dll);
        foreach (var (name, value) in _environment)
        {
            info.Environment[name] = value;
        }

        info.Environment["ASPNETCORE_URLS"] = BaseAddress.ToString().TrimEnd('/');
        info.Environment["OneOff__Admin__Password"] = DashboardApp.AdminPassword;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        _process = Process.Start(info) ?? throw new InvalidOperationException("The dashboard did not start.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The dashboard exited with code {_process.ExitCode}: {Output}");
            }

            try
            {
                using var health = await _http.GetAsync(new Uri(BaseAddress, "/healthz"));
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new InvalidOperationException($"The dashboard did not answer /healthz within 90 s: {Output}");
    }

    /// <summary>Kills it outright (SIGKILL), as a crash or a lost machine would; returns once it is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: false);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
