using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OneOff.Aws.Tests.Infrastructure;

/// <summary>A request as it arrived on the wire.</summary>
public sealed record CapturedRequest(string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    public int HeaderCount(string name) => Headers.Count(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));

    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>What the server answers: a status, headers and body; optionally after a delay, or by dropping the connection.</summary>
public sealed record CannedResponse(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default, bool Drop = false)
{
    public static CannedResponse Json(string body, int status = 200, string? requestId = null, string? errorType = null)
    {
        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/x-amz-json-1.1" };
        if (requestId is not null)
        {
            headers["x-amzn-RequestId"] = requestId;
        }

        if (errorType is not null)
        {
            headers["X-Amzn-Errortype"] = errorType;
        }

        return new CannedResponse(status, body, headers);
    }
}

/// <summary>
/// A minimal HTTP/1.1 server on loopback that records every request byte for byte and answers what the test
/// says. Hand-written so it sends nothing a test did not ask for (no <c>Date</c> header: the JavaScript SDK
/// would correct its frozen clock from it).
/// </summary>
public sealed class CaptureServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<CapturedRequest> _requests = new();
    private readonly Task _accepting;

    public CaptureServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>How to answer a request; by default an empty JSON object.</summary>
    public Func<CapturedRequest, CannedResponse> Responder { get; set; } = _ => CannedResponse.Json("{}");

    public IReadOnlyList<CapturedRequest> Requests => [.. _requests];

    public void Clear() => _requests.Clear();

    /// <summary>Answers the requests in arrival order with <paramref name="responses"/>.</summary>
    public void AnswerInOrder(IEnumerable<CannedResponse> responses)
    {
        var queue = new ConcurrentQueue<CannedResponse>(responses);
        Responder = _ => queue.TryDequeue(out var next) ? next : new CannedResponse(500, "{\"__type\":\"NoMoreCannedResponses\"}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var reader = new BufferedReader(stream);
                while (!_stop.IsCancellationRequested)
                {
                    var requestLine = await reader.ReadLineAsync(_stop.Token);
                    if (requestLine is null)
                    {
                        return;
                    }

                    var parts = requestLine.Split(' ');
                    var headers = new List<KeyValuePair<string, string>>();
                    string? line;
                    while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync(_stop.Token)))
                    {
                        var colon = line.IndexOf(':', StringComparison.Ordinal);
                        headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
                    }

                    var length = headers.Where(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(h => int.Parse(h.Value, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
                    var body = await reader.ReadBytesAsync(length, _stop.Token);
                    var request = new CapturedRequest(parts[0], parts[1], headers, body);
                    _requests.Enqueue(request);
                    var response = Responder(request);
                    if (response.Delay > TimeSpan.Zero)
                    {
                        await Task.Delay(response.Delay, _stop.Token);
                    }

                    if (response.Drop)
                    {
                        client.Client.Close(0);
                        return;
                    }

                    var payload = Encoding.UTF8.GetBytes(response.Body);
                    var head = new StringBuilder().Append(System.Globalization.CultureInfo.InvariantCulture, $"HTTP/1.1 {response.Status} {ReasonPhrase(response.Status)}\r\n");
                    foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
                    {
                        head.Append(System.Globalization.CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
                    }

                    head.Append(System.Globalization.CultureInfo.InvariantCulture, $"Content-Length: {payload.Length}\r\n\r\n");
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
                    await stream.WriteAsync(payload, _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };

    private sealed class BufferedReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new List<byte>();
            while (true)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    return line.Count == 0 ? null : Encoding.ASCII.GetString([.. line]);
                }

                var b = _buffer[_start++];
                if (b == '\n')
                {
                    if (line.Count > 0 && line[^1] == '\r')
                    {
                        line.RemoveAt(line.Count - 1);
                    }

                    return Encoding.Latin1.GetString([.. line]);
                }

                line.Add(b);
            }
        }

        public async Task<byte[]> ReadBytesAsync(int count, CancellationToken cancellationToken)
        {
            var result = new byte[count];
            var filled = 0;
            while (filled < count)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    throw new IOException("The connection closed inside a request body.");
                }

                var n = Math.Min(count - filled, _end - _start);
                Array.Copy(_buffer, _start, result, filled, n);
                _start += n;
                filled += n;
            }

            return result;
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            _start = 0;
            _end = await stream.ReadAsync(_buffer, cancellationToken);
            return _end > 0;
        }
    }
}
