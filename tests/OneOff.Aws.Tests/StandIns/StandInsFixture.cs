using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Logging.Abstractions;
using OneOff.Aws.Clients.Athena;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Query;
using OneOff.Aws.Storage;
using OneOff.Aws.Tests.Clients;
using OneOff.Testing;

namespace OneOff.Aws.Tests.StandIns;

/// <summary>
/// <c>tests/standins/start</c> (moto for S3, the EMR and the Athena stand-ins, on free loopback ports) with short delays, its
/// <c>export</c> lines parsed; stopped by closing its stdin. Skips the tests with the reason when it cannot start.
/// </summary>
public sealed class StandInsFixture : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private Process? _process;
    private string? _unavailable;

    /// <summary>Short delays so each cluster lives a few seconds (the stand-in's own defaults are a little longer).</summary>
    public static readonly string[] FastDelays =
        ["--start-delay", "0.3", "--bootstrap-delay", "0.2", "--ready-delay", "0.2", "--step-delay", "0.1", "--terminate-delay", "0.2", "--log-delay", "1.5"];

    public IReadOnlyDictionary<string, string> Exports { get; private set; } = new Dictionary<string, string>();

    public Uri EmrEndpoint => new(Exports["AWS_ENDPOINT_URL_EMR"]);

    public Uri S3Endpoint => new(Exports["AWS_ENDPOINT_URL_S3"]);

    public string Bucket => Exports["OneOff__Aws__Bucket"];

    public string LogUri => Exports["OneOff__Aws__Emr__LogUri"];

    public string Region => Exports["AWS_REGION"];

    public string Prefix => Exports["OneOff__Aws__Prefix"];

    public Uri AthenaEndpoint => new(Exports["AWS_ENDPOINT_URL_ATHENA"]);

    /// <summary>The Athena stand-in's test endpoints (<c>/_faults</c>, <c>/_calls</c>, <c>/_catalog</c>, <c>/_clock</c>).</summary>
    public Uri AthenaStandIn => new(Exports["ATHENA_STANDIN_URL"]);

    public string AthenaDatabase => Exports["OneOff__Aws__Athena__Database"];

    public string AthenaWorkGroup => Exports["OneOff__Aws__Athena__WorkGroup"];

    public string AthenaOutputLocation => Exports["OneOff__Aws__Athena__OutputLocation"];

    public async ValueTask InitializeAsync()
    {
        var started = await StartAsync(FastDelays);
        if (started.Error is not null)
        {
            _unavailable = started.Error;
            return;
        }

        _process = started.Process;
        Exports = started.Exports;
    }

    /// <summary>Starts <c>tests/standins/start</c> with its stdin a pipe; reads its exports up to <c># ready</c>.</summary>
    internal static async Task<(Process? Process, Dictionary<string, string> Exports, List<string> Lines, string? Error)> StartAsync(string[] standinArgs)
    {
        if (ProcessRunner.FindOnPath("python3") is null)
        {
            return (null, [], [], "python3 is not on PATH, so the stand-ins cannot run");
        }

        var launch = await StandInDeployment.LaunchAsync(standinArgs);
        return (launch.Process, launch.Exports, launch.Lines, launch.Error);
    }

    public void SkipIfUnavailable()
    {
        if (_unavailable is not null)
        {
            Assert.Skip(_unavailable);
        }
    }

    internal EmrClient Emr(int retries = 3) => ClientFactory.Emr(EmrEndpoint, ClientFactory.Options(retries));

    internal AthenaClient Athena(int retries = 3) => ClientFactory.Athena(AthenaEndpoint, ClientFactory.Options(retries));

    /// <summary>
    /// The dashboard's Athena engine on the stand-ins (the deployment's database, workgroup and results; short polls),
    /// with its own clients, which it disposes; <paramref name="configure"/> changes the settings.
    /// </summary>
    internal AthenaQueryEngine AthenaEngine(AthenaUsage usage, Func<AthenaSettings, AthenaSettings>? configure = null, int protocolRetries = 3)
    {
        var client = Athena(protocolRetries);
        var s3 = S3();
        var root = new S3Root(Bucket, Prefix + "/");
        var settings = new AthenaSettings(AthenaDatabase, AthenaWorkGroup, AthenaOutputLocation, 60, TimeSpan.FromSeconds(60), InlineValues: false)
        {
            FirstPollDelay = TimeSpan.FromMilliseconds(20),
            MaxPollDelay = TimeSpan.FromMilliseconds(200),
            RetryDelay = TimeSpan.FromMilliseconds(100),
        };
        settings = configure?.Invoke(settings) ?? settings;
        var runner = new AthenaQueryRunner(client, settings, TimeProvider.System, NullLogger.Instance);
        return new AthenaQueryEngine(
            runner, new AthenaCatalog(runner, root, NullLogger.Instance), new S3ObjectStore(s3, root), new AthenaResultFiles(s3), usage,
            NullLogger<AthenaQueryEngine>.Instance, new OwnedClients(client, s3));
    }

    /// <summary>Disposes an engine's clients with it.</summary>
    private sealed class OwnedClients(IDisposable athena, IDisposable s3) : IDisposable
    {
        public void Dispose()
        {
            athena.Dispose();
            s3.Dispose();
        }
    }

    internal AmazonS3Client S3()
    {
        var endpoint = S3Endpoint.ToString();
        var config = S3ObjectStore.CreateConfig(Region, name => name == "AWS_ENDPOINT_URL_S3" ? endpoint : null);
        return new AmazonS3Client(new BasicAWSCredentials(Exports["AWS_ACCESS_KEY_ID"], Exports["AWS_SECRET_ACCESS_KEY"]), config);
    }

    /// <summary>Arms faults (<c>POST /_faults</c>), e.g. <c>{"stepFailure": "train"}</c>.</summary>
    public async Task ArmAsync(string json) => await PostEmrTestEndpointAsync("/_faults", json);

    /// <summary>Lets the clusters held at a hold point go on (<c>POST /_release</c>); the stand-in's reply.</summary>
    public async Task<JsonElement> ReleaseAsync(string point) =>
        await PostEmrTestEndpointAsync("/_release", JsonSerializer.Serialize(new { hold = point }));

    private async Task<JsonElement> PostEmrTestEndpointAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(EmrEndpoint, path), content);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async Task ClearFaultsAsync()
    {
        using var response = await _http.DeleteAsync(new Uri(EmrEndpoint, "/_faults"));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>What the stand-in knows (<c>GET /_clusters</c>): nodes, folders, steps, leases, namespace.</summary>
    public async Task<JsonElement> InspectAsync()
    {
        var text = await _http.GetStringAsync(new Uri(EmrEndpoint, "/_clusters"));
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> InspectAsync(string clusterId) =>
        (await InspectAsync()).GetProperty("Clusters").EnumerateArray().Single(c => c.GetProperty("Id").GetString() == clusterId);

    /// <summary>Arms Athena faults (<c>POST /_faults</c>), e.g. <c>{"throttle": 2}</c> or <c>{"slowRun": 5}</c>.</summary>
    public async Task ArmAthenaAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(AthenaStandIn, "/_faults"), content);
        response.EnsureSuccessStatusCode();
    }

    public async Task ClearAthenaFaultsAsync()
    {
        using var response = await _http.DeleteAsync(new Uri(AthenaStandIn, "/_faults"));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The Athena stand-in's calls log (<c>GET /_calls</c>): <c>counts</c> per operation and every query.</summary>
    public async Task<JsonElement> AthenaCallsAsync() =>
        JsonDocument.Parse(await _http.GetStringAsync(new Uri(AthenaStandIn, "/_calls"))).RootElement.Clone();

    /// <summary>The Athena stand-in's catalog (<c>GET /_catalog</c>): databases, tables, workgroups.</summary>
    public async Task<JsonElement> AthenaCatalogAsync() =>
        JsonDocument.Parse(await _http.GetStringAsync(new Uri(AthenaStandIn, "/_catalog"))).RootElement.Clone();

    /// <summary>
    /// Creates workgroup <paramref name="name"/> on the Athena stand-in (CreateWorkGroup, an operation OneOff's client
    /// does not have, sent as the JSON 1.1 protocol has it): results under the deployment's athena-results/, enforced,
    /// with a bytes-scanned cutoff per query when given.
    /// </summary>
    public async Task CreateAthenaWorkGroupAsync(string name, long? bytesScannedCutoffPerQuery = null)
    {
        var body = new
        {
            Name = name,
            Configuration = new
            {
                ResultConfiguration = new { OutputLocation = $"s3://{Bucket}/{Prefix}/athena-results/" },
                EnforceWorkGroupConfiguration = true,
                BytesScannedCutoffPerQuery = bytesScannedCutoffPerQuery,
            },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, AthenaEndpoint)
        {
            Content = new StringContent(JsonSerializer.Serialize(body, s_omitNulls), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", "AmazonAthena.CreateWorkGroup");
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/athena/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await _http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static readonly JsonSerializerOptions s_omitNulls = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>Moves the Athena stand-in's clock forward (result-reuse ages) without waiting.</summary>
    public async Task AdvanceAthenaClockAsync(double minutes)
    {
        using var content = new StringContent(
            JsonSerializer.Serialize(new { advanceMinutes = minutes }), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(AthenaStandIn, "/_clock"), content);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            _process.StandardInput.Close();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }

        _http.Dispose();
    }
}

/// <summary>Tests that share one stand-in run one at a time (faults are global to it).</summary>
[CollectionDefinition(Name)]
public sealed class StandInsCollection : ICollectionFixture<StandInsFixture>
{
    public const string Name = "standins";
}
