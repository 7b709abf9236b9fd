using System.Diagnostics;
using Amazon.Runtime;
using OneOff.Aws.Clients;
using OneOff.Aws.Clients.Athena.Models;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Clients.Emr.Models;
using OneOff.Aws.Tests.Infrastructure;

namespace OneOff.Aws.Tests.Clients;

/// <summary>The retry policy outside the signer, counted on the capture server.</summary>
public sealed class RetryPolicyTests : IAsyncLifetime
{
    private readonly CaptureServer _server = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Theory]
    [InlineData(400, """{"__type":"ThrottlingException","message":"Rate exceeded"}""")]
    [InlineData(400, """{"__type":"com.amazonaws.athena#TooManyRequestsException:http://x","Reason":"CONCURRENT_QUERY_LIMIT_EXCEEDED"}""")]
    [InlineData(400, """{"code":"RequestLimitExceeded"}""")]
    [InlineData(429, "")]
    [InlineData(500, """{"__type":"InternalServerException"}""")]
    [InlineData(502, "<html>bad gateway</html>")]
    [InlineData(503, "")]
    public async Task Send_TransientReplyThenSuccess_RetriesUntilSuccess(int status, string body)
    {
        var transient = CannedResponse.Json(body, status);
        _server.AnswerInOrder([transient, transient, CannedResponse.Json("""{"QueryExecutionId":"q-1"}""")]);
        using var athena = ClientFactory.Athena(_server.Endpoint);

        var response = await athena.StartQueryExecutionAsync(new StartQueryExecutionRequest { QueryString = "SELECT 1" }, Ct);

        Assert.Equal("q-1", response.QueryExecutionId);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task Send_ThrottlingOnlyInHeader_Retries()
    {
        var throttled = CannedResponse.Json("{}", 400, errorType: "ThrottlingException:http://internal.amazon.com/coral/");
        _server.AnswerInOrder([throttled, CannedResponse.Json("{}")]);
        using var emr = ClientFactory.Emr(_server.Endpoint);

        await emr.TerminateJobFlowsAsync(new TerminateJobFlowsRequest { JobFlowIds = ["j-1"] }, Ct);

        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Send_AlwaysThrottled_GivesUpAfterMaxAttemptsWithTypedError()
    {
        _server.Responder = _ => CannedResponse.Json("""{"__type":"ThrottlingException","message":"Rate exceeded"}""", 400, "req-9");
        using var emr = ClientFactory.Emr(_server.Endpoint, ClientFactory.Options(retries: 2));

        var error = await Assert.ThrowsAsync<AwsThrottlingException>(() => emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = "j-1" }, Ct));

        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal("ThrottlingException", error.ErrorCode);
        Assert.Equal("req-9", error.RequestId);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task Send_AlwaysFailing5xx_ThrowsInternalServerAfterFourAttempts()
    {
        _server.Responder = _ => CannedResponse.Json("""{"__type":"InternalServerException","Message":"boom"}""", 500);
        using var athena = ClientFactory.Athena(_server.Endpoint);

        var error = await Assert.ThrowsAsync<AwsInternalServerException>(() => athena.GetQueryExecutionAsync(new GetQueryExecutionRequest { QueryExecutionId = "q" }, Ct));

        Assert.Equal(4, _server.Requests.Count);
        Assert.Equal("boom", error.ServiceMessage);
    }

    [Theory]
    [InlineData("""{"__type":"InvalidRequestException","AthenaErrorCode":"MALFORMED_QUERY","message":"bad"}""", typeof(AwsInvalidRequestException))]
    [InlineData("""{"__type":"AccessDeniedException","Message":"no"}""", typeof(AwsAccessDeniedException))]
    [InlineData("""{"__type":"ValidationException","message":"no"}""", typeof(AwsInvalidRequestException))]
    public async Task Send_ClientError_IsNotRetried(string body, Type expected)
    {
        _server.Responder = _ => CannedResponse.Json(body, 400);
        using var athena = ClientFactory.Athena(_server.Endpoint);

        var error = await Assert.ThrowsAnyAsync<AwsServiceException>(() => athena.StartQueryExecutionAsync(new StartQueryExecutionRequest { QueryString = "x" }, Ct));

        Assert.IsType(expected, error);
        Assert.Single(_server.Requests);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task Send_AttemptTimesOut_RetriesAndSucceeds()
    {
        _server.AnswerInOrder([new CannedResponse(200, "{}", Delay: TimeSpan.FromSeconds(10)), CannedResponse.Json("""{"Cluster":{"Id":"j-1"}}""")]);
        using var emr = ClientFactory.Emr(_server.Endpoint, ClientFactory.Options(attemptTimeoutMs: 1500));

        var response = await emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = "j-1" }, Ct);

        Assert.Equal("j-1", response.Cluster!.Id);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Send_EveryAttemptTimesOut_ThrowsTimeoutNamingTheOperation()
    {
        _server.Responder = _ => new CannedResponse(200, "{}", Delay: TimeSpan.FromSeconds(3));
        using var athena = ClientFactory.Athena(_server.Endpoint, ClientFactory.Options(retries: 1, attemptTimeoutMs: 200));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => athena.GetQueryExecutionAsync(new GetQueryExecutionRequest { QueryExecutionId = "q" }, Ct));

        Assert.Contains("GetQueryExecution", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task RunJobFlow_TimeoutOrDroppedOr5xx_IsNotRetriedBecauseTheClusterMayExist()
    {
        using var emr = ClientFactory.Emr(_server.Endpoint, ClientFactory.Options(attemptTimeoutMs: 300));
        var request = new RunJobFlowRequest { Name = "x", Instances = new JobFlowInstancesConfig() };

        _server.Responder = _ => new CannedResponse(200, "{}", Delay: TimeSpan.FromSeconds(3));
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => emr.RunJobFlowAsync(request, Ct));
        _server.Responder = _ => new CannedResponse(200, string.Empty, Drop: true);
        await Assert.ThrowsAsync<HttpRequestException>(() => emr.RunJobFlowAsync(request, Ct));
        _server.Responder = _ => CannedResponse.Json("""{"__type":"InternalServerError"}""", 500);
        await Assert.ThrowsAsync<AwsInternalServerException>(() => emr.AddJobFlowStepsAsync(new AddJobFlowStepsRequest { JobFlowId = "j-1", Steps = [] }, Ct));

        Assert.Equal(3, _server.Requests.Count);
        Assert.Contains("may still have been carried out", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunJobFlow_Throttled_IsRetried()
    {
        var throttled = CannedResponse.Json("""{"__type":"ThrottlingException"}""", 400);
        _server.AnswerInOrder([throttled, CannedResponse.Json("{}", 429), CannedResponse.Json("""{"JobFlowId":"j-1"}""")]);
        using var emr = ClientFactory.Emr(_server.Endpoint);

        var response = await emr.RunJobFlowAsync(new RunJobFlowRequest { Name = "x", Instances = new JobFlowInstancesConfig() }, Ct);

        Assert.Equal("j-1", response.JobFlowId);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task RunJobFlow_NothingListening_IsRetriedAsTheCallNeverArrived()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var attempts = 0;
        var options = ClientFactory.Options(retries: 2);
        using var emr = new EmrClient(options, ClientFactory.Setup(new Uri($"http://127.0.0.1:{closedPort}")) with { PrimaryHandler = new CountingHandler(() => attempts++) });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => emr.RunJobFlowAsync(new RunJobFlowRequest { Name = "x", Instances = new JobFlowInstancesConfig() }, Ct));

        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Send_ConnectionDropped_Retries()
    {
        _server.AnswerInOrder([new CannedResponse(200, string.Empty, Drop: true), CannedResponse.Json("{}")]);
        using var athena = ClientFactory.Athena(_server.Endpoint);

        await athena.StopQueryExecutionAsync(new StopQueryExecutionRequest { QueryExecutionId = "q" }, Ct);

        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Send_CancelledDuringAttempt_StopsAtOnceWithoutRetrying()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        _server.Responder = _ =>
        {
            cancel.CancelAfter(TimeSpan.FromMilliseconds(100));
            return new CannedResponse(200, "{}", Delay: TimeSpan.FromSeconds(10));
        };
        using var athena = ClientFactory.Athena(_server.Endpoint);
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => athena.GetQueryExecutionAsync(new GetQueryExecutionRequest { QueryExecutionId = "q" }, cancel.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Send_CancelledDuringBackoff_StopsWithoutAnotherAttempt()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        _server.Responder = _ =>
        {
            cancel.CancelAfter(TimeSpan.FromMilliseconds(200));
            return CannedResponse.Json("""{"__type":"ThrottlingException"}""", 400);
        };
        var options = ClientFactory.Options();
        options.RetryBaseDelay = TimeSpan.FromSeconds(10);
        using var athena = ClientFactory.Athena(_server.Endpoint, options);
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => athena.GetQueryExecutionAsync(new GetQueryExecutionRequest { QueryExecutionId = "q" }, cancel.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Send_Retried_EachAttemptIsSignedAfreshWithTheSameBodyAndToken()
    {
        var throttled = CannedResponse.Json("""{"__type":"ThrottlingException"}""", 400);
        _server.AnswerInOrder([throttled, throttled, CannedResponse.Json("""{"QueryExecutionId":"q"}""")]);
        using var athena = ClientFactory.Athena(_server.Endpoint, credentials: new RotatingCredentials());

        await athena.StartQueryExecutionAsync(new StartQueryExecutionRequest { QueryString = "SELECT 1" }, Ct);

        var attempts = _server.Requests;
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(1, a.HeaderCount("Authorization")));
        Assert.All(attempts, a => Assert.Equal(1, a.HeaderCount("X-Amz-Date")));
        Assert.All(attempts, a => Assert.Equal(attempts[0].BodyText, a.BodyText));
        Assert.Equal(3, attempts.Select(a => a.Header("Authorization")!.Split('/')[0]).Distinct().Count());
    }

    [Fact]
    public async Task StartQueryExecution_NoToken_SendsAFreshTokenEachCall()
    {
        _server.Responder = _ => CannedResponse.Json("""{"QueryExecutionId":"q"}""");
        using var athena = ClientFactory.Athena(_server.Endpoint);
        var request = new StartQueryExecutionRequest { QueryString = "SELECT 1" };

        await athena.StartQueryExecutionAsync(request, Ct);
        await athena.StartQueryExecutionAsync(request, Ct);

        var tokens = _server.Requests.Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("ClientRequestToken").GetString()).ToList();
        Assert.Equal(2, tokens.Distinct().Count());
        Assert.All(tokens, t => Assert.True(Guid.TryParse(t, out _) && t!.Length == 36, t));
    }

    [Fact]
    public async Task StartQueryExecution_EmptyParameterList_LeavesTheMemberOut()
    {
        _server.Responder = _ => CannedResponse.Json("""{"QueryExecutionId":"q"}""");
        using var athena = ClientFactory.Athena(_server.Endpoint);

        await athena.StartQueryExecutionAsync(new StartQueryExecutionRequest { QueryString = "SELECT 1", ClientRequestToken = "t", ExecutionParameters = [] }, Ct);

        Assert.Equal("""{"QueryString":"SELECT 1","ClientRequestToken":"t"}""", Assert.Single(_server.Requests).BodyText);
    }

    /// <summary>Counts the attempts that reach the network.</summary>
    private sealed class CountingHandler(Action onSend) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            onSend();
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Credentials whose access key changes on every read: a re-signed attempt shows a new key.</summary>
    private sealed class RotatingCredentials : AWSCredentials
    {
        private int _reads;

        public override ImmutableCredentials GetCredentials() => new($"AKID{Interlocked.Increment(ref _reads)}", "secret", null);

        public override Task<ImmutableCredentials> GetCredentialsAsync() => Task.FromResult(GetCredentials());
    }
}
