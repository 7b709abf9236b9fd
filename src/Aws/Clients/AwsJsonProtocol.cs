using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Microsoft.Extensions.Http.Resilience;
using OneOff.Core.Telemetry;
using Polly;
using Polly.Timeout;

namespace OneOff.Aws.Clients;

/// <summary>What a client is built from besides its options: real code passes nothing (default chain, real clock).</summary>
/// <param name="Credentials">Fixed credentials (tests only); null means the AWS default chain.</param>
/// <param name="SignedAt">A frozen signing time (tests only).</param>
/// <param name="PrimaryHandler">The innermost handler (tests only); null means a fresh <see cref="SocketsHttpHandler"/>.</param>
/// <param name="Environment">Reads environment variables (tests only).</param>
/// <param name="TimeProvider">The clock of retry delays and timeouts (tests only).</param>
internal sealed record AwsClientSetup(
    AWSCredentials? Credentials = null,
    DateTime? SignedAt = null,
    HttpMessageHandler? PrimaryHandler = null,
    Func<string, string?>? Environment = null,
    TimeProvider? TimeProvider = null);

/// <summary>
/// AWS JSON 1.1 over one <see cref="HttpClient"/>: <c>POST /</c> with <c>X-Amz-Target</c>, a body serialised from
/// a request record, SigV4 by AWSSDK.Core's <see cref="SigV4SigningHandler"/>, and retries (jittered exponential
/// backoff on throttling, 5xx and timeouts) in a <see cref="ResilienceHandler"/> outside the signer, so every
/// attempt is signed afresh. Each call is a client span named <c>{service}/{operation}</c> (<c>EMR/DescribeCluster</c>)
/// with the OpenTelemetry AWS SDK conventions (<c>rpc.system</c> <c>aws-api</c>, <c>rpc.service</c>, <c>rpc.method</c>,
/// <c>aws.request_id</c>, <c>cloud.region</c>) and the run it is made for (<see cref="OneOffTelemetry.CurrentRunId"/>);
/// its HTTP attempts are the HttpClient instrumentation's spans below it.
/// </summary>
internal sealed class AwsJsonProtocol : IDisposable
{
    private const string ContentType = "application/x-amz-json-1.1";
    private static readonly HttpRequestOptionsKey<bool> s_notIdempotent = new("OneOff.Aws.NotIdempotent");
    private static readonly byte[] s_emptyObject = "{}"u8.ToArray();
    private readonly HttpClient _http;
    private readonly AwsServiceInfo _service;

    public AwsJsonProtocol(AwsServiceInfo service, AwsClientOptions options, AwsClientSetup? setup = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        setup ??= new AwsClientSetup();
        _service = service;
        Region = AwsEndpoints.ResolveRegion(options.Region, setup.Environment);
        Endpoint = AwsEndpoints.Resolve(service, Region, setup.Environment);
        var signer = new SigV4SigningHandler(
            new AWSSigV4Parameters
            {
                Credentials = setup.Credentials,
                Region = RegionEndpoint.GetBySystemName(Region),
                Service = service.SigningName,
                SignedAt = setup.SignedAt,
            },
            setup.PrimaryHandler ?? new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        var retry = new ResilienceHandler(BuildPipeline(options, setup.TimeProvider ?? TimeProvider.System)) { InnerHandler = signer };
        _http = new HttpClient(retry) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The region calls are signed for.</summary>
    public string Region { get; }

    /// <summary>Where calls go.</summary>
    public Uri Endpoint { get; }

    /// <summary>Sends one call and reads its reply.</summary>
    /// <param name="operation">The operation name (<c>X-Amz-Target</c> suffix).</param>
    /// <param name="request">The input.</param>
    /// <param name="requestType">How to write the input.</param>
    /// <param name="responseType">How to read the output.</param>
    /// <param name="idempotent">
    /// False for calls that must not run twice (RunJobFlow, AddJobFlowSteps): they are retried only when the service
    /// certainly did not act (throttled, or the connection never opened), never after a timeout, a dropped
    /// connection or a 5xx, where it may have.
    /// </param>
    /// <param name="cancellationToken">Cancels the call and any wait between attempts.</param>
    /// <exception cref="AwsServiceException">The service answered with an error.</exception>
    /// <exception cref="TimeoutException">The last attempt did not answer in time.</exception>
    public async Task<TResponse> SendAsync<TRequest, TResponse>(
        string operation, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken, bool idempotent = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = StartCallActivity(operation);
        try
        {
            return await SendCoreAsync(operation, request, requestType, responseType, activity, idempotent, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Failed(activity, e))
        {
            // Not reached: Failed only records the exception on the span and declines to catch it.
            throw;
        }
    }

    public void Dispose() => _http.Dispose();

    // The service ids of the AWS service models (the rpc.service of the AWS SDK semantic conventions).
    private string ServiceId => _service.Name switch
    {
        "emr" => "EMR",
        "athena" => "Athena",
        var other => other,
    };

    private Activity? StartCallActivity(string operation)
    {
        // No listener (telemetry off): no span name is even formatted.
        if (!OneOffTelemetry.Source.HasListeners())
        {
            return null;
        }

        var activity = OneOffTelemetry.StartActivity($"{ServiceId}/{operation}", kind: ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("rpc.system", "aws-api");
            activity.SetTag("rpc.service", ServiceId);
            activity.SetTag("rpc.method", operation);
            activity.SetTag("cloud.region", Region);
            activity.SetTag("server.address", Endpoint.Host);
            activity.SetTag("server.port", Endpoint.Port);
        }

        return activity;
    }

    private static bool Failed(Activity? activity, Exception e)
    {
        if (activity is not null)
        {
            var type = e is AwsServiceException aws ? aws.ErrorCode : e.GetType().FullName;
            activity.SetTag("error.type", type);
            if (e is AwsServiceException { RequestId: { } requestId })
            {
                activity.SetTag("aws.request_id", requestId);
            }

            activity.SetStatus(ActivityStatusCode.Error, e is OperationCanceledException ? "cancelled" : type);
        }

        return false;
    }

    private async Task<TResponse> SendCoreAsync<TRequest, TResponse>(
        string operation, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, Activity? activity, bool idempotent, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        using var message = new HttpRequestMessage(HttpMethod.Post, Endpoint);
        message.Headers.TryAddWithoutValidation("X-Amz-Target", $"{_service.TargetPrefix}.{operation}");
        message.Content = new ByteArrayContent(body);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
        message.Options.Set(s_notIdempotent, !idempotent);
        using var response = await SendWithTimeoutMessageAsync(message, operation, idempotent, cancellationToken).ConfigureAwait(false);
        if (activity is not null && RequestIdOf(response) is { } requestId)
        {
            activity.SetTag("aws.request_id", requestId);
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw ReadError(_service.Name, response, bytes);
        }

        try
        {
            return JsonSerializer.Deserialize(bytes.Length == 0 ? s_emptyObject : bytes, responseType)
                ?? throw new JsonException("The reply was JSON null.");
        }
        catch (JsonException e)
        {
            throw new AwsServiceException(_service.Name, "SerializationException", $"{operation} returned a body that is not its documented shape: {e.Message}", response.StatusCode, RequestIdOf(response));
        }
    }

    private async Task<HttpResponseMessage> SendWithTimeoutMessageAsync(HttpRequestMessage message, string operation, bool idempotent, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            var maybeDone = idempotent ? string.Empty : "; it may still have been carried out";
            throw new TimeoutException($"AWS {_service.Name} {operation} did not answer in time{maybeDone}.", e);
        }
    }

    /// <summary>Reads an AWS JSON error reply into the most specific <see cref="AwsServiceException"/>.</summary>
    internal static AwsServiceException ReadError(string service, HttpResponseMessage response, ReadOnlySpan<byte> body)
    {
        string? type = null, code = null, message = null;
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    var text = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                        _ => null,
                    };
                    switch (property.Name)
                    {
                        case "__type":
                            type = text;
                            break;
                        case "message" or "Message" or "errorMessage":
                            message ??= text;
                            break;
                        case var name when string.Equals(name, "code", StringComparison.OrdinalIgnoreCase):
                            code = text;
                            break;
                        default:
                            if (text is not null)
                            {
                                details[property.Name] = text;
                            }

                            break;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, an empty 5xx): the status and headers still say what happened.
        }

        var raw = type ?? code ?? HeaderOf(response, "X-Amzn-Errortype");
        var errorCode = raw is null ? "UnknownError" : AwsErrorCodes.Clean(raw);
        return AwsServiceException.Create(service, errorCode, message ?? string.Empty, response.StatusCode, RequestIdOf(response), details);
    }

    internal static string? RequestIdOf(HttpResponseMessage response) =>
        HeaderOf(response, "x-amzn-RequestId") ?? HeaderOf(response, "x-amz-request-id");

    internal static async ValueTask<bool> IsTransientAsync(Outcome<HttpResponseMessage> outcome, bool idempotent = true)
    {
        if (outcome.Exception is not null)
        {
            return outcome.Exception switch
            {
                HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
                HttpRequestException or TimeoutRejectedException => idempotent,
                _ => false,
            };
        }

        var response = outcome.Result;
        if (response is null)
        {
            return false;
        }

        var status = (int)response.StatusCode;
        if (status == 429 || (idempotent && (status >= 500 || status == 408)))
        {
            return true;
        }

        if (status != 400)
        {
            return false;
        }

        await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return AwsErrorCodes.IsTransient(ReadError("retry", response, body).ErrorCode);
    }

    private static ResiliencePipeline<HttpResponseMessage> BuildPipeline(AwsClientOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(20),
                ShouldHandle = args => IsTransientAsync(
                    args.Outcome,
                    idempotent: !(args.Context.GetRequestMessage()?.Options.TryGetValue(s_notIdempotent, out var notIdempotent) == true && notIdempotent)),
            });
        }

        return builder.AddTimeout(options.AttemptTimeout).Build();
    }

    private static string? HeaderOf(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
