using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OneOff.Testing;

/// <summary>
/// A ready-made Aws-mode deployment with no account: <c>tests/standins/start</c> (moto for S3 and the EMR stand-in on
/// free loopback ports), its <c>export</c> lines parsed, stopped by closing its stdin (the script stops everything it
/// started). <see cref="EmrAsync"/> asks the EMR stand-in directly, as an operator's <c>aws emr</c> would.
/// </summary>
public sealed class StandInDeployment : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private StandInDeployment(Process process, IReadOnlyDictionary<string, string> exports)
    {
        _process = process;
        Exports = exports;
    }

    /// <summary>The <c>export NAME=value</c> lines: endpoints, test credentials, every <c>OneOff__…</c> setting of the deployment.</summary>
    public IReadOnlyDictionary<string, string> Exports { get; }

    /// <summary>The folder of the stand-ins' logs and nodes (start's <c># logs and node folders under …</c> line), or null.</summary>
    public string? WorkFolder { get; private init; }

    /// <summary>The EMR stand-in.</summary>
    public Uri EmrEndpoint => new(Exports["AWS_ENDPOINT_URL_EMR"]);

    /// <summary>The bucket and prefix runs are written under.</summary>
    public string Bucket => Exports["OneOff__Aws__Bucket"];

    /// <summary>The prefix in <see cref="Bucket"/>.</summary>
    public string Prefix => Exports["OneOff__Aws__Prefix"];

    /// <summary>Starts the stand-ins (arguments after <c>--</c> go to the EMR stand-in, e.g. its delays); throws with the script's stderr when it cannot.</summary>
    public static async Task<StandInDeployment> StartAsync(params string[] standinArguments)
    {
        var launch = await LaunchAsync(standinArguments);
        return launch.Process is { } process
            ? new StandInDeployment(process, launch.Exports)
            {
                WorkFolder = launch.Lines.Select(l => l.IndexOf("# logs and node folders under ", StringComparison.Ordinal) is 0 ? l[30..].Split(';')[0].Trim() : null).FirstOrDefault(f => f is not null),
            }
            : throw new InvalidOperationException(launch.Error);
    }

    /// <summary>
    /// Starts <c>tests/standins/start</c> with its stdin a pipe and reads its output up to <c># ready</c>: the process,
    /// the exports and every line; or no process and why (the script's stderr) when it did not get ready in 90 s.
    /// </summary>
    public static async Task<StandInLaunch> LaunchAsync(IReadOnlyList<string> standinArguments)
    {
        ArgumentNullException.ThrowIfNull(standinArguments);
        var info = new ProcessStartInfo(Path.Combine(RepoPaths.Root, "tests", "standins", "start"))
        {
            UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        info.ArgumentList.Add("--");
        foreach (var argument in standinArguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("tests/standins/start did not start.");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        var exports = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add(line);
                if (line == "# ready")
                {
                    return new StandInLaunch(process, exports, lines, null);
                }

                if (line.StartsWith("export ", StringComparison.Ordinal) && line.IndexOf('=', StringComparison.Ordinal) is > 7 and var eq)
                {
                    exports[line[7..eq]] = line[(eq + 1)..].Trim('\'');
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync(CancellationToken.None);
        lock (stderr)
        {
            return new StandInLaunch(null, exports, lines, $"tests/standins/start did not get ready: {stderr.ToString().Trim()}");
        }
    }

    /// <summary>One EMR JSON 1.1 call to the stand-in (<c>ListClusters</c>, <c>DescribeCluster</c>, …); its reply.</summary>
    public async Task<JsonNode> EmrAsync(string operation, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, EmrEndpoint)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", "ElasticMapReduce." + operation);
        // The stand-in does not check signatures, only that a request is signed at all (as EMR refuses unsigned ones).
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20261202/us-east-1/elasticmapreduce/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!
            : throw new InvalidOperationException($"EMR stand-in {operation}: {(int)response.StatusCode} {text}");
    }

    /// <summary>Arms EMR stand-in faults (<c>POST /_faults</c>), e.g. <c>{"stepLinger": {"step": "generate", "seconds": 20}}</c>.</summary>
    public async Task ArmEmrAsync(string json) => await PostTestEndpointAsync("/_faults", json);

    /// <summary>
    /// Lets the cluster held at <paramref name="point"/> (a <c>{"hold": point}</c> fault) go on, or disarms the hold when
    /// no cluster has reached it yet (<c>POST /_release</c>); fails when there was no such hold.
    /// </summary>
    public async Task ReleaseEmrAsync(string point)
    {
        var reply = await PostTestEndpointAsync("/_release", JsonSerializer.Serialize(new { hold = point }));
        if ((reply["released"]?.GetValue<int>() ?? 0) + (reply["disarmed"]?.GetValue<int>() ?? 0) == 0)
        {
            throw new InvalidOperationException($"EMR stand-in: no cluster was held at {point} ({reply.ToJsonString()}).");
        }
    }

    /// <summary>Disarms every EMR stand-in fault (<c>DELETE /_faults</c>): what one test armed and left does not reach the next.</summary>
    public async Task ClearEmrFaultsAsync()
    {
        using var response = await _http.DeleteAsync(new Uri(EmrEndpoint, "/_faults"));
        response.EnsureSuccessStatusCode();
    }

    private async Task<JsonNode> PostTestEndpointAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(EmrEndpoint, path), content);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!
            : throw new InvalidOperationException($"EMR stand-in {path}: {(int)response.StatusCode} {text}");
    }

    /// <summary>Every cluster the stand-in knows, with its state (<c>ListClusters</c>, all pages).</summary>
    public async Task<IReadOnlyList<(string Id, string Name, string State)>> ClustersAsync()
    {
        var clusters = new List<(string, string, string)>();
        string? marker = null;
        do
        {
            var page = await EmrAsync("ListClusters", marker is null ? new { } : new { Marker = marker });
            foreach (var c in page["Clusters"]?.AsArray() ?? [])
            {
                clusters.Add(((string)c!["Id"]!, (string)c["Name"]!, (string)c["Status"]!["State"]!));
            }

            marker = (string?)page["Marker"];
        }
        while (marker is not null);
        return clusters;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            // Closing stdin is the script's signal to stop what it started (moto, the stand-in, their nodes).
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}

/// <summary>What <see cref="StandInDeployment.LaunchAsync"/> found: the running script, or why it is not running.</summary>
public sealed record StandInLaunch(Process? Process, Dictionary<string, string> Exports, List<string> Lines, string? Error);
