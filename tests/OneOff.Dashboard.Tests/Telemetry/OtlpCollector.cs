using System.Collections.Concurrent;
using System.Net;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Telemetry;

/// <summary>
/// A collector on 127.0.0.1 that takes OTLP/HTTP exports (<c>POST /v1/traces</c>, <c>/v1/metrics</c>,
/// <c>/v1/logs</c>) and keeps what arrived. It answers 200 with an empty protobuf body: an empty
/// <c>Export*ServiceResponse</c> is a full success (opentelemetry.io/docs/specs/otlp, "OTLP/HTTP Response": "The
/// server MUST leave the partial_success field unset in case of a successful response").
/// </summary>
internal sealed class OtlpCollector : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public OtlpCollector()
    {
        Endpoint = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _serving = ServeAsync();
    }

    /// <summary>What OTEL_EXPORTER_OTLP_ENDPOINT names.</summary>
    public Uri Endpoint { get; }

    /// <summary>Each export received: its path, content type and body length.</summary>
    public ConcurrentQueue<(string Path, string? ContentType, int Bytes)> Exports { get; } = new();

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            Exports.Enqueue((context.Request.Url?.AbsolutePath ?? "", context.Request.ContentType, (int)body.Length));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
    }
}
