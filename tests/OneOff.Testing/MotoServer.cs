using System.Diagnostics;

namespace OneOff.Testing;

/// <summary>
/// moto's server (<c>python3 -m moto.server</c>, the python3 on PATH) on a free loopback port, shared by the
/// the test assembly's <c>MotoCollection</c>; <see cref="ResetAsync"/> empties it between tests. When moto cannot start,
/// <see cref="SkipIfUnavailable"/> skips the test with the reason.
/// </summary>
public sealed class MotoServer : IAsyncLifetime
{
    public const string AccessKey = "testing";
    public const string SecretKey = "testing";
    public const string Region = "us-east-1";
    private Process? _process;
    private string? _unavailable;
    private readonly HttpClient _http = new();

    public Uri Endpoint { get; private set; } = new("http://127.0.0.1:1");

    public async ValueTask InitializeAsync()
    {
        var python = ProcessRunner.FindOnPath("python3");
        if (python is null)
        {
            _unavailable = "python3 is not on PATH, so moto cannot run";
            return;
        }

        var probe = await ProcessRunner.RunAsync(python, ["-c", "import moto.server, boto3"]);
        if (probe.ExitCode != 0)
        {
            _unavailable = $"moto is not installed for {python} (pip install 'moto[server]'): {probe.StdErr.Trim().Split('\n').LastOrDefault()}";
            return;
        }

        var port = LoopbackPorts.Free();
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo(python) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("moto did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                using var response = await _http.GetAsync(new Uri(Endpoint, "/moto-api/"));
                return;
            }
            catch (HttpRequestException)
            {
                if (_process.HasExited)
                {
                    break;
                }

                await Task.Delay(100);
            }
        }

        _unavailable = "moto's server did not answer within 30 s";
    }

    public void SkipIfUnavailable()
    {
        if (_unavailable is not null)
        {
            Assert.Skip(_unavailable);
        }
    }

    /// <summary>Forgets every bucket, cluster and query (<c>POST /moto-api/reset</c>).</summary>
    public async Task ResetAsync()
    {
        SkipIfUnavailable();
        using var response = await _http.PostAsync(new Uri(Endpoint, "/moto-api/reset"), null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Sets what the next Athena <c>GetQueryResults</c> calls return (<c>POST /moto-api/static/athena/query-results</c>).</summary>
    public async Task SetAthenaResultsAsync(string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(Endpoint, "/moto-api/static/athena/query-results"), content);
        response.EnsureSuccessStatusCode();
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
