using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime;
using OneOff.Aws.Clients;
using OneOff.Aws.Clients.Athena;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Clients;

/// <summary>
/// Sends every <see cref="ConformanceCases"/> exchange once through the official AWS SDK for JavaScript v3 (in one
/// node process, for the whole class) and once through OneOff's client, to the same capture server with the same
/// frozen clock and credentials, and compares what went over the wire and what each made of the reply.
/// </summary>
public sealed class AwsSdkConformanceTests(AwsSdkConformanceTests.JsRun js) : IClassFixture<AwsSdkConformanceTests.JsRun>
{
    public static TheoryData<string> CaseNames => [.. ConformanceCases.All.Select(c => c.Name)];

    public static TheoryData<string> SuccessCaseNames => [.. ConformanceCases.All.Where(c => c.Reply.Status == 200).Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Request_SameInputAsJsSdk_SameBytesSameSignature(string name)
    {
        var (expected, _, actual, _) = await RunBothAsync(name);

        Assert.Equal("POST", actual.Method);
        Assert.Equal(expected.Target, actual.Target);
        Assert.Equal(expected.Header("X-Amz-Target"), actual.Header("X-Amz-Target"));
        Assert.Equal(expected.Header("Content-Type"), actual.Header("Content-Type"));
        Assert.Null(JsonComparison.FirstDifference(JsonNode.Parse(expected.Body), JsonNode.Parse(actual.Body)));
        Assert.Equal(expected.BodyText, actual.BodyText);
        Assert.Equal(expected.Header("Host"), actual.Header("Host"));
        Assert.Equal(expected.Header("X-Amz-Date"), actual.Header("X-Amz-Date"));
        Assert.Equal(expected.Header("X-Amz-Security-Token"), actual.Header("X-Amz-Security-Token"));
        Assert.Equal(expected.Header("Authorization"), actual.Header("Authorization"));
        Assert.Equal(1, actual.HeaderCount("Authorization"));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Reply_SameBytes_ParsedAsJsSdkParsesThem(string name)
    {
        var (_, jsResult, _, oneOff) = await RunBothAsync(name);

        if (jsResult.Ok)
        {
            Assert.Null(oneOff.Error);
            Assert.Null(JsonComparison.FirstDifference(jsResult.Output, oneOff.Output));
            return;
        }

        var jsError = jsResult.Error!;
        var error = Assert.IsType<AwsServiceException>(oneOff.Error, exactMatch: false);
        Assert.Equal(jsError["name"]!.GetValue<string>(), error.ErrorCode);
        Assert.Equal(jsError["requestId"]?.GetValue<string>(), error.RequestId);
        Assert.Equal(jsError["httpStatusCode"]!.GetValue<int>(), (int)error.StatusCode);
        Assert.Equal(jsError["fault"]!.GetValue<string>() == "server", error is AwsInternalServerException);
        if (!string.IsNullOrEmpty(error.ServiceMessage))
        {
            Assert.Equal(jsError["message"]!.GetValue<string>(), error.ServiceMessage);
        }

        foreach (var (field, value) in jsError["fields"]!.AsObject().Where(f => f.Key is not ("__type" or "code")))
        {
            Assert.True(error.Details.TryGetValue(field, out var detail), $"OneOff dropped the error member {field}.");
            Assert.Equal(value!.GetValue<string>(), detail);
        }
    }

    [Theory]
    [MemberData(nameof(SuccessCaseNames))]
    public async Task Reply_OneOffSerialisedView_JsSdkReadsTheSame(string name)
    {
        var (_, jsResult, _, oneOff) = await RunBothAsync(name);
        Assert.True(jsResult.Ok, jsResult.Error?.ToJsonString());

        var roundTrip = await js.ReplayToJsAsync(ConformanceCases.All.Single(c => c.Name == name), oneOff.Output!.ToJsonString());

        Assert.True(roundTrip.Ok, roundTrip.Error?.ToJsonString());
        Assert.Null(JsonComparison.FirstDifference(jsResult.Output, roundTrip.Output));
    }

    [Fact]
    public void Cases_CoverEveryOperationOfBothClients()
    {
        var covered = ConformanceCases.All.Select(c => c.Operation).ToHashSet();

        Assert.Equal(s_operations.Keys.Order(), covered.Order());
    }

    private async Task<(CapturedRequest Expected, JsSdkResult JsResult, CapturedRequest Actual, (JsonObject? Output, Exception? Error) OneOff)> RunBothAsync(string name)
    {
        Assert.SkipWhen(JsSdkDriver.Unavailable is not null, JsSdkDriver.Unavailable ?? string.Empty);
        var index = ConformanceCases.All.Select(c => c.Name).ToList().IndexOf(name);
        var @case = ConformanceCases.All[index];
        var (expected, jsResult) = js.Exchanges[index];
        js.Server.Clear();
        js.Server.Responder = _ => @case.Reply;
        JsonObject? output = null;
        Exception? error = null;
        try
        {
            output = await s_operations[@case.Operation](js.Clients, @case.Input, TestContext.Current.CancellationToken);
        }
        catch (AwsServiceException e)
        {
            error = e;
        }

        return (expected, jsResult, Assert.Single(js.Server.Requests), (output, error));
    }

    private static readonly Dictionary<string, Func<OneOffClients, string, CancellationToken, Task<JsonObject>>> s_operations = new()
    {
        ["StartQueryExecution"] = Op((c, r, t) => c.Athena.StartQueryExecutionAsync(r, t), AthenaJsonContext.Wire.StartQueryExecutionRequest, AthenaJsonContext.Wire.StartQueryExecutionResponse),
        ["GetQueryExecution"] = Op((c, r, t) => c.Athena.GetQueryExecutionAsync(r, t), AthenaJsonContext.Wire.GetQueryExecutionRequest, AthenaJsonContext.Wire.GetQueryExecutionResponse),
        ["GetQueryResults"] = Op((c, r, t) => c.Athena.GetQueryResultsAsync(r, t), AthenaJsonContext.Wire.GetQueryResultsRequest, AthenaJsonContext.Wire.GetQueryResultsResponse),
        ["StopQueryExecution"] = Op((c, r, t) => c.Athena.StopQueryExecutionAsync(r, t), AthenaJsonContext.Wire.StopQueryExecutionRequest, AthenaJsonContext.Wire.StopQueryExecutionResponse),
        ["GetWorkGroup"] = Op((c, r, t) => c.Athena.GetWorkGroupAsync(r, t), AthenaJsonContext.Wire.GetWorkGroupRequest, AthenaJsonContext.Wire.GetWorkGroupResponse),
        ["RunJobFlow"] = Op((c, r, t) => c.Emr.RunJobFlowAsync(r, t), EmrJsonContext.Wire.RunJobFlowRequest, EmrJsonContext.Wire.RunJobFlowResponse),
        ["DescribeCluster"] = Op((c, r, t) => c.Emr.DescribeClusterAsync(r, t), EmrJsonContext.Wire.DescribeClusterRequest, EmrJsonContext.Wire.DescribeClusterResponse),
        ["ListSteps"] = Op((c, r, t) => c.Emr.ListStepsAsync(r, t), EmrJsonContext.Wire.ListStepsRequest, EmrJsonContext.Wire.ListStepsResponse),
        ["DescribeStep"] = Op((c, r, t) => c.Emr.DescribeStepAsync(r, t), EmrJsonContext.Wire.DescribeStepRequest, EmrJsonContext.Wire.DescribeStepResponse),
        ["AddJobFlowSteps"] = Op((c, r, t) => c.Emr.AddJobFlowStepsAsync(r, t), EmrJsonContext.Wire.AddJobFlowStepsRequest, EmrJsonContext.Wire.AddJobFlowStepsResponse),
        ["TerminateJobFlows"] = Op((c, r, t) => c.Emr.TerminateJobFlowsAsync(r, t), EmrJsonContext.Wire.TerminateJobFlowsRequest, EmrJsonContext.Wire.TerminateJobFlowsResponse),
        ["ListClusters"] = Op((c, r, t) => c.Emr.ListClustersAsync(r, t), EmrJsonContext.Wire.ListClustersRequest, EmrJsonContext.Wire.ListClustersResponse),
        ["ListInstances"] = Op((c, r, t) => c.Emr.ListInstancesAsync(r, t), EmrJsonContext.Wire.ListInstancesRequest, EmrJsonContext.Wire.ListInstancesResponse),
        ["ListBootstrapActions"] = Op((c, r, t) => c.Emr.ListBootstrapActionsAsync(r, t), EmrJsonContext.Wire.ListBootstrapActionsRequest, EmrJsonContext.Wire.ListBootstrapActionsResponse),
    };

    private static Func<OneOffClients, string, CancellationToken, Task<JsonObject>> Op<TRequest, TResponse>(
        Func<OneOffClients, TRequest, CancellationToken, Task<TResponse>> call, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType) =>
        async (clients, input, cancellationToken) =>
        {
            var request = JsonSerializer.Deserialize(input, requestType) ?? throw new JsonException("null input");
            var response = await call(clients, request, cancellationToken);
            return JsonSerializer.SerializeToNode(response, responseType)!.AsObject();
        };

    internal sealed record OneOffClients(AthenaClient Athena, EmrClient Emr);

    /// <summary>The JavaScript SDK's half of every case, made once for the class, and OneOff's clients on the same server.</summary>
    public sealed class JsRun : IAsyncLifetime
    {
        public CaptureServer Server { get; } = new();

        public IReadOnlyList<(CapturedRequest Request, JsSdkResult Result)> Exchanges { get; private set; } = [];

        internal OneOffClients Clients { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            var setup = new AwsClientSetup(
                Credentials: new SessionAWSCredentials(JsSdkDriver.AccessKey, JsSdkDriver.SecretKey, JsSdkDriver.SessionToken),
                SignedAt: JsSdkDriver.SigningDate.UtcDateTime,
                Environment: name => name == "AWS_ENDPOINT_URL" ? Server.Endpoint.ToString() : null);
            var options = new AwsClientOptions { Region = JsSdkDriver.Region, MaxRetryAttempts = 0 };
            Clients = new OneOffClients(new AthenaClient(options, setup), new EmrClient(options, setup));
            if (JsSdkDriver.Unavailable is not null)
            {
                return;
            }

            var cases = ConformanceCases.All;
            Server.AnswerInOrder(cases.Select(c => c.Reply));
            var results = await JsSdkDriver.RunAsync(Server.Endpoint, [.. cases.Select(c => new JsSdkCall(c.Service, c.Operation, JsonNode.Parse(c.Input)!))]);
            var requests = Server.Requests;
            if (requests.Count != cases.Count || results.Count != cases.Count)
            {
                throw new InvalidOperationException($"The JavaScript SDK made {requests.Count} requests and {results.Count} results for {cases.Count} cases.");
            }

            Exchanges = [.. requests.Zip(results)];
        }

        /// <summary>Sends <paramref name="case"/> through OneOff's client and returns the request as captured.</summary>
        public async Task<CapturedRequest> SendWithOneOffAsync(ConformanceCase @case)
        {
            Server.Clear();
            Server.Responder = _ => @case.Reply;
            try
            {
                await s_operations[@case.Operation](Clients, @case.Input, TestContext.Current.CancellationToken);
            }
            catch (AwsServiceException)
            {
                // Error replies are part of the table; only the request matters here.
            }

            return Assert.Single(Server.Requests);
        }

        /// <summary>Has the JavaScript SDK parse <paramref name="body"/> as the reply to <paramref name="case"/>.</summary>
        public async Task<JsSdkResult> ReplayToJsAsync(ConformanceCase @case, string body)
        {
            Server.Responder = _ => CannedResponse.Json(body);
            var results = await JsSdkDriver.RunAsync(Server.Endpoint, [new JsSdkCall(@case.Service, @case.Operation, JsonNode.Parse(@case.Input)!)]);
            return results[0];
        }

        public async ValueTask DisposeAsync()
        {
            Clients?.Athena.Dispose();
            Clients?.Emr.Dispose();
            await Server.DisposeAsync();
        }
    }
}
