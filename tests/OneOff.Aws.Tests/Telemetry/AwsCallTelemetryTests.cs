using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using OneOff.Aws.Clients;
using OneOff.Aws.Clients.Athena.Models;
using OneOff.Aws.Clients.Emr.Models;
using OneOff.Aws.Tests.Clients;
using OneOff.Aws.Tests.Infrastructure;
using OneOff.Core.Telemetry;

namespace OneOff.Aws.Tests.Telemetry;

/// <summary>
/// Each AWS JSON call is a client span carrying the run it is made for, read with a plain
/// <see cref="ActivityListener"/> (what an OpenTelemetry provider subscribes with); the instruments the EMR and
/// Athena paths record into, read with a <see cref="MeterListener"/>. Both listen process-wide: each test looks only
/// at what carries its own run id or tag.
/// </summary>
public sealed class AwsCallTelemetryTests : IAsyncDisposable
{
    private readonly CaptureServer _server = new();
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;
    private readonly string _runId = "20260301-120000-" + Guid.NewGuid().ToString("N")[..4];

    public AwsCallTelemetryTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == OneOffTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_InsideARun_IsAClientSpanWithTheRunIdAndTheAwsConventions()
    {
        _server.Responder = _ => CannedResponse.Json("""{"Cluster":{"Id":"j-1"}}""", requestId: "req-42");
        using var emr = ClientFactory.Emr(_server.Endpoint);

        using (OneOffTelemetry.EnterRun(_runId))
        {
            await emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = "j-1" }, Ct);
        }

        var span = Assert.Single(Mine());
        Assert.Equal("EMR/DescribeCluster", span.DisplayName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("aws-api", span.GetTagItem("rpc.system"));
        Assert.Equal("EMR", span.GetTagItem("rpc.service"));
        Assert.Equal("DescribeCluster", span.GetTagItem("rpc.method"));
        Assert.Equal("us-east-1", span.GetTagItem("cloud.region"));
        Assert.Equal("req-42", span.GetTagItem("aws.request_id"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }

    [Fact]
    public async Task Send_ErrorReply_MarksTheSpanWithTheErrorCodeAndRetriesStayOneSpan()
    {
        _server.Responder = _ => CannedResponse.Json("""{"__type":"ThrottlingException","message":"Rate exceeded"}""", 400, "req-7");
        using var emr = ClientFactory.Emr(_server.Endpoint, ClientFactory.Options(retries: 2));

        using (OneOffTelemetry.EnterRun(_runId))
        {
            await Assert.ThrowsAsync<AwsThrottlingException>(() => emr.TerminateJobFlowsAsync(new TerminateJobFlowsRequest { JobFlowIds = ["j-1"] }, Ct));
        }

        var span = Assert.Single(Mine());
        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal("EMR/TerminateJobFlows", span.DisplayName);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("ThrottlingException", span.GetTagItem("error.type"));
        Assert.Equal("req-7", span.GetTagItem("aws.request_id"));
    }

    [Fact]
    public async Task Send_OutsideARun_HasNoRunId()
    {
        using var athena = ClientFactory.Athena(_server.Endpoint);
        ActivitySpanId parentId;

        using (OneOffTelemetry.EnterRun(null))
        {
            Assert.Null(OneOffTelemetry.CurrentRunId);
            using var parent = OneOffTelemetry.Source.StartActivity("test") ?? throw new InvalidOperationException("Nobody listens.");
            parentId = parent.SpanId;
            await athena.GetQueryExecutionAsync(new GetQueryExecutionRequest { QueryExecutionId = "q-1" }, Ct);
        }

        var span = Assert.Single(_spans, s => s.ParentSpanId == parentId);
        Assert.Equal("Athena/GetQueryExecution", span.DisplayName);
        Assert.Null(span.GetTagItem(OneOffTelemetry.RunIdAttribute));
    }

    [Fact]
    public void Instruments_TheEmrAndAthenaPathsRecordInto_CarryTheirTags()
    {
        var instanceType = "test." + Guid.NewGuid().ToString("N")[..8];
        var reason = "Test" + Guid.NewGuid().ToString("N")[..8];
        var seen = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == OneOffTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<double>((i, v, tags, _) => seen.Enqueue((i.Name, v, Tags(tags))));
        meters.SetMeasurementEventCallback<long>((i, v, tags, _) => seen.Enqueue((i.Name, v, Tags(tags))));
        meters.Start();

        OneOffTelemetry.RecordClusterMinutes(TimeSpan.FromSeconds(90), instanceType);
        OneOffTelemetry.RecordReaperTermination(reason);
        OneOffTelemetry.RecordAthenaBytesScanned(10_485_760, reusedPreviousResult: true);

        Assert.Contains(seen, m => m.Instrument == "oneoff.emr.instance.usage" && m.Value == 1.5
            && Equals(m.Tags[OneOffTelemetry.InstanceTypeAttribute], instanceType));
        Assert.Contains(seen, m => m.Instrument == "oneoff.emr.reaper.terminations" && m.Value == 1
            && Equals(m.Tags[OneOffTelemetry.ReaperReasonAttribute], reason));
        Assert.Contains(seen, m => m.Instrument == "oneoff.athena.data_scanned" && m.Value == 10_485_760
            && Equals(m.Tags[OneOffTelemetry.AthenaReusedAttribute], true));
        Assert.Throws<ArgumentOutOfRangeException>(() => OneOffTelemetry.RecordAthenaBytesScanned(-1));
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _server.DisposeAsync();
    }

    private List<Activity> Mine() => [.. _spans.Where(s => Equals(s.GetTagItem(OneOffTelemetry.RunIdAttribute), _runId))];

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var all = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            all[key] = value;
        }

        return all;
    }
}
