using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Clients.Emr.Models;
using OneOff.Aws.Compute;
using OneOff.Aws.Storage;
using OneOff.Aws.Tests.Clients;
using OneOff.Aws.Tests.StandIns;
using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Compute;

/// <summary>
/// <see cref="EmrJobRunner"/>'s failures on the EMR stand-in with the real bundle: each fault the stand-in can be
/// armed with ends the run with a reason a user understands (and EMR's raw code), throttling is backed off (one
/// cluster per submission), a cluster stuck starting is terminated, a refusal is one line.
/// </summary>
[Collection(StandInsCollection.Name)]
public sealed class EmrJobRunnerTests(StandInsFixture standins) : IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);
    private readonly EmrJobRunnerStand _stand = new(standins);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _stand.InitializeAsync();

    public ValueTask DisposeAsync() => _stand.DisposeAsync();

    [Fact]
    public async Task StepFailure_Train_SaysFailedAtOnceThenEndsWithTheStepsStderrTailThatArrivesLate()
    {
        await standins.ArmAsync("""{"stepFailure": "train"}""");
        await using var execution = await _stand.CreateRunner().StartAsync(Request("runner-step-failure"), Ct);

        var events = await ReadAllAsync(execution);
        var exit = await execution.Completion.WaitAsync(s_timeout, Ct);

        Assert.NotNull(exit.Reason);
        Assert.StartsWith("step train failed (EMR STEP_FAILURE", exit.Reason, StringComparison.Ordinal);
        Assert.EndsWith("; the step's stderr ends: stand-in fault: step failure armed for step train", exit.Reason, StringComparison.Ordinal);
        Assert.Equal(exit.Reason, Assert.IsType<JobFailed>(events[^1]).Message);
        Assert.Contains("stand-in fault: step failure armed for step train", exit.Diagnostics, StringComparison.Ordinal);
        var phases = events.OfType<JobPhase>().Select(p => p.Phase).ToList();
        Assert.Equal("failed", phases[^1]);
        Assert.Contains(events.OfType<JobPhase>(), p => p.Phase == "generating data");
        Assert.DoesNotContain(events, e => e is JobPublished);
        Assert.False(await _stand.Store.ExistsAsync(RunKeys.Manifest("runner-step-failure"), Ct));
    }

    [Fact]
    public async Task BootstrapFailure_OnThePrimary_FailsWithThePlainWordsAndTheRawCode()
    {
        await standins.ArmAsync("""{"bootstrapFailure": "primary"}""");
        await using var execution = await _stand.CreateRunner().StartAsync(Request("runner-bootstrap-failure"), Ct);

        var events = await ReadAllAsync(execution);
        var exit = await execution.Completion.WaitAsync(s_timeout, Ct);

        Assert.NotNull(exit.Reason);
        Assert.StartsWith("bootstrap failed on the primary node", exit.Reason, StringComparison.Ordinal);
        Assert.Contains("BOOTSTRAP_FAILURE_PRIMARY_WITH_NON_ZERO_CODE", exit.Reason, StringComparison.Ordinal);
        Assert.EndsWith("; the install script's stderr ends: stand-in fault: bootstrap failure armed for the primary node", exit.Reason, StringComparison.Ordinal);
        Assert.Equal(["provisioning", "installing the job"], events.OfType<JobPhase>().Select(p => p.Phase).Take(2));
        Assert.DoesNotContain(events.OfType<JobPhase>(), p => p.Phase == "generating data");
    }

    [Fact]
    public async Task CapacityError_AtStart_SaysWhichInstanceTypeAndZoneHadNoCapacity()
    {
        await standins.ArmAsync("""{"capacityError": {"availabilityZone": "us-east-1a"}}""");
        await using var execution = await _stand.CreateRunner().StartAsync(Request("runner-capacity"), Ct);

        var events = await ReadAllAsync(execution);
        var exit = await execution.Completion.WaitAsync(s_timeout, Ct);

        Assert.NotNull(exit.Reason);
        Assert.StartsWith("no EC2 capacity for m7g.xlarge in us-east-1a", exit.Reason, StringComparison.Ordinal);
        Assert.Contains("(EMR INTERNAL_ERROR_EC2_INSUFFICIENT_CAPACITY_AZ", exit.Reason, StringComparison.Ordinal);
        Assert.Equal(exit.Reason, Assert.Single(events.OfType<JobFailed>()).Message);
    }

    [Fact]
    public async Task CancelAsync_WhileTraining_TerminatesTheClusterAndPublishesNothing()
    {
        var parameters = new RunParameters { RunId = "runner-cancel-training", TrainSize = 20000, TestSize = 500, HiddenSizes = [60, 120], MaxIter = 3000, Tol = 1e-12 };
        await using var execution = await _stand.CreateRunner().StartAsync(new JobRequest(parameters), Ct);
        var seen = new List<JobEvent>();
        await using (var events = execution.ReadEventsAsync(Ct).GetAsyncEnumerator(Ct))
        {
            while (await events.MoveNextAsync().AsTask().WaitAsync(s_timeout, Ct))
            {
                seen.Add(events.Current);
                if (events.Current is JobPhase { Phase: var phase } && phase.StartsWith("training", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }

        await execution.CancelAsync(Ct).WaitAsync(s_timeout, Ct);
        var exit = await execution.Completion.WaitAsync(s_timeout, Ct);

        Assert.Contains(seen, e => e is JobPhase { Phase: "training: 0 of 2 sizes done" });
        Assert.NotNull(exit.Reason);
        Assert.StartsWith("cancelled: the cluster was terminated on request (EMR USER_REQUEST", exit.Reason, StringComparison.Ordinal);
        Assert.False(await _stand.Store.ExistsAsync(RunKeys.Manifest(parameters.RunId), Ct));
        using var emr = standins.Emr();
        var cluster = (await emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = execution.Handle.Id }, Ct)).Cluster;
        Assert.Equal("TERMINATED", cluster?.Status?.State);
    }

    [Fact]
    public async Task ThrottlingWhilePolling_BacksOffAndStillFollowsTheRunToPublished()
    {
        var parameters = Parameters("runner-throttle-poll");
        await using var execution = await _stand.CreateRunner(retries: 0).StartAsync(new JobRequest(parameters), Ct);
        await standins.ArmAsync("""{"throttle": {"count": 6, "operations": ["DescribeCluster", "ListSteps"]}}""");

        var events = await ReadAllAsync(execution);
        var exit = await execution.Completion.WaitAsync(s_timeout, Ct);

        Assert.Null(exit.Reason);
        Assert.Equal(parameters.RunId, Assert.IsType<JobPublished>(events[^1]).RunId);
        Assert.Equal(parameters.HiddenSizes.Order(), events.OfType<JobModelDone>().Select(m => m.NHidden).Order());
        Assert.Equal(0, (await FaultsAsync()).GetProperty("throttle").GetInt32());
    }

    [Fact]
    public async Task ThrottlingOnRunJobFlow_RetriesAndStartsExactlyOneClusterFoundByItsSubmissionTagAndOnlyItsRunAttaches()
    {
        var runner = _stand.CreateRunner(retries: 0);
        await standins.ArmAsync("""{"throttle": {"count": 3, "operations": ["RunJobFlow"]}}""");
        var request = Request("runner-throttle-start") with { SubmissionKey = "runner-throttle-start.7" };

        await using var execution = await runner.StartAsync(request, Ct);
        var found = await runner.FindBySubmissionAsync(null, request.SubmissionKey, Ct);
        var other = await runner.FindBySubmissionAsync(null, "runner-throttle-start.8", Ct);
        var anotherRuns = await _stand.CreateRunner().AttachAsync("runner-someone-else", execution.Handle, Ct);
        var unknown = await _stand.CreateRunner().AttachAsync("runner-throttle-start", new JobHandle(EmrJobRunner.RunnerName, "j-2AXXXXGAPLF4P"), Ct);
        await execution.CancelAsync(Ct).WaitAsync(s_timeout, Ct);

        Assert.Equal(0, (await FaultsAsync()).GetProperty("throttle").GetInt32());
        Assert.Equal(execution.Handle.Id, found);
        Assert.Null(other);
        Assert.Null(anotherRuns);
        Assert.Null(unknown);
        using var emr = standins.Emr();
        var clusters = await emr.ListAllClustersAsync(new ListClustersRequest(), Ct).ToListAsync(Ct);
        Assert.Single(clusters, c => c.Name == $"oneoff {_stand.DeploymentId} runner-throttle-start");
    }

    [Fact]
    public async Task AmbiguousRunJobFlowFailure_ClusterMadeButAnswer500_FindsItByItsSubmissionTagAndStartsNoOther()
    {
        using var lostAnswer = new LostAnswerHandler("ElasticMapReduce.RunJobFlow");
        var emr = new EmrClient(ClientFactory.Options(retries: 3), ClientFactory.Setup(standins.EmrEndpoint) with { PrimaryHandler = lostAnswer });
        var runner = _stand.CreateRunner(emr: emr);
        var request = Request("runner-ambiguous") with { SubmissionKey = "runner-ambiguous.1" };

        await using var execution = await runner.StartAsync(request, Ct);
        await execution.CancelAsync(Ct).WaitAsync(s_timeout, Ct);

        Assert.Equal(1, lostAnswer.Sent);
        using var check = standins.Emr();
        var clusters = await check.ListAllClustersAsync(new ListClustersRequest(), Ct).ToListAsync(Ct);
        var cluster = Assert.Single(clusters, c => c.Name == $"oneoff {_stand.DeploymentId} runner-ambiguous");
        Assert.Equal(cluster.Id, execution.Handle.Id);
    }

    [Fact]
    public async Task StartTimeout_ClusterStillProvisioning_IsTerminatedAndTheRunFailsSayingSo()
    {
        var clock = new ShiftedClock();
        await standins.ArmAsync("""{"slowStart": 60}""");
        await using var execution = await _stand.CreateRunner(time: clock).StartAsync(Request("runner-start-timeout"), Ct);
        await using (var events = execution.ReadEventsAsync(Ct).GetAsyncEnumerator(Ct))
        {
            while (await events.MoveNextAsync() && events.Current is not JobPhase { Phase: "provisioning" })
            {
            }
        }

        clock.Shift(TimeSpan.FromMinutes(_stand.Options.StartTimeoutMinutes + 1));
        var exit = await execution.Completion.WaitAsync(s_timeout, Ct);

        Assert.Equal(EmrFailureWords.StartTimedOut(_stand.Options.StartTimeoutMinutes, "provisioning", "m7g.xlarge"), exit.Reason);
        using var emr = standins.Emr();
        var cluster = (await emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = execution.Handle.Id }, Ct)).Cluster;
        Assert.True(EmrClusterState.IsFinal(cluster?.Status?.State), cluster?.Status?.State);
        Assert.Equal("USER_REQUEST", cluster?.Status?.StateChangeReason?.Code);
    }

    [Fact]
    public async Task Refusal_ValidationError_IsOneLineWithTheServicesWordsAndStartsNothing()
    {
        var runner = _stand.CreateRunner(options: o => o.IdleTimeoutSeconds = 30);

        var error = await Assert.ThrowsAsync<JobStartException>(() => runner.StartAsync(Request("runner-refused"), Ct));

        Assert.Equal("EMR refused to start the cluster: Auto-termination idle timeout must be between 60 and 604800 seconds. (ValidationException)", error.Message);
        Assert.Null(await runner.FindBySubmissionAsync(null, "runner-refused", Ct));
    }

    [Fact]
    public async Task StartAsync_BundleFolderIncomplete_RefusesWithTheBuildCommand()
    {
        using var empty = new TempFolder();
        var runner = _stand.CreateRunner(bundleFolder: empty.Path);

        var error = await Assert.ThrowsAsync<JobStartException>(() => runner.StartAsync(Request("runner-no-bundle"), Ct));

        Assert.Contains(JobBundle.BuildCommand, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static RunParameters Parameters(string runId) =>
        new() { RunId = runId, TrainSize = 300, TestSize = 100, HiddenSizes = [3, 5], MaxIter = 20 };

    private static JobRequest Request(string runId) => new(Parameters(runId));

    private async Task<JsonElement> FaultsAsync()
    {
        using var http = new HttpClient();
        return JsonDocument.Parse(await http.GetStringAsync(new Uri(standins.EmrEndpoint, "/_faults"), Ct)).RootElement.Clone();
    }

    private static Task<List<JobEvent>> ReadAllAsync(IJobExecution execution) => JobExecutions.ReadAllAsync(execution, s_timeout, Ct);

    /// <summary>
    /// Sends the first call of one operation on to the service, then answers the client 500 as if the reply were
    /// lost on the way (the cluster exists; the caller cannot know): counts how often that operation was sent.
    /// </summary>
    private sealed class LostAnswerHandler(string target) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _sent;

        public int Sent => _sent;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (!request.Headers.TryGetValues("X-Amz-Target", out var values) || values.FirstOrDefault() != target)
            {
                return response;
            }

            if (Interlocked.Increment(ref _sent) > 1)
            {
                return response;
            }

            response.Dispose();
            return new HttpResponseMessage(System.Net.HttpStatusCode.InternalServerError)
            {
                Content = new StringContent("""{"__type":"InternalServerError","message":"the answer was lost"}""", System.Text.Encoding.UTF8, "application/x-amz-json-1.1"),
            };
        }
    }

    /// <summary>The system clock, moved forward on demand (timers stay real): a start timeout passes at once.</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        private long _offsetTicks;

        public void Shift(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
    }
}

/// <summary>
/// What the EMR runner tests share: the real bundle (built once per test process), a store under one prefix of the
/// stand-in's bucket (so the bundle is uploaded once), a deployment id of this process, and runners over them with
/// short polls. Disposing terminates every cluster of that deployment still active: no test leaves one running.
/// </summary>
internal sealed class EmrJobRunnerStand(StandInsFixture standins)
{
    private static readonly string s_deployment = "t" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<IDisposable> _owned = [];
    private S3ObjectStore? _store;
    private string? _bundleFolder;

    public string DeploymentId => s_deployment;

    public S3ObjectStore Store => _store ?? throw new InvalidOperationException("Not initialised.");

    /// <summary>The EMR options of the stand-in's deployment: one node (no core nodes), logs under the store.</summary>
    public EmrOptions Options { get; } = new()
    {
        ServiceRole = "EMR_DefaultRole_V2",
        JobFlowRole = "EMR_EC2_DefaultRole",
        CoreInstanceCount = 0,
        StartTimeoutMinutes = 5,
        LogWaitMinutes = 1,
    };

    public async ValueTask InitializeAsync()
    {
        standins.SkipIfUnavailable();
        await standins.ClearFaultsAsync();
        _bundleFolder = (await JobBundleSource.GetAsync()).Folder;
        var s3 = standins.S3();
        _owned.Add(s3);
        _store = new S3ObjectStore(s3, S3Root.Parse($"s3://{standins.Bucket}/runner-{s_deployment}"));
    }

    /// <summary>A runner (a second one stands for the control plane after a restart).</summary>
    public EmrJobRunner CreateRunner(int retries = 3, TimeProvider? time = null, Action<EmrOptions>? options = null, string? bundleFolder = null, EmrClient? emr = null)
    {
        emr ??= standins.Emr(retries);
        _owned.Add(emr);
        var emrOptions = Options;
        if (options is not null)
        {
            emrOptions = new EmrOptions
            {
                ServiceRole = Options.ServiceRole, JobFlowRole = Options.JobFlowRole, CoreInstanceCount = Options.CoreInstanceCount,
                StartTimeoutMinutes = Options.StartTimeoutMinutes, LogWaitMinutes = Options.LogWaitMinutes,
            };
            options(emrOptions);
        }

        var runnerOptions = new EmrJobRunnerOptions { PollSeconds = 0.3, BundleFolder = bundleFolder ?? _bundleFolder };
        var runner = new EmrJobRunner(emr, Store, emrOptions, runnerOptions, s_deployment, NullLoggerFactory.Instance, time);
        _owned.Add(runner);
        return runner;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await standins.ClearFaultsAsync();
            using var emr = standins.Emr();
            var mine = await emr.ListAllClustersAsync(new ListClustersRequest { ClusterStates = EmrClusterState.Active }, CancellationToken.None)
                .Where(c => c.Name?.StartsWith($"oneoff {s_deployment} ", StringComparison.Ordinal) == true && c.Id is not null)
                .Select(c => c.Id!)
                .ToListAsync(CancellationToken.None);
            if (mine.Count > 0)
            {
                await emr.TerminateJobFlowsAsync(new TerminateJobFlowsRequest { JobFlowIds = mine }, CancellationToken.None);
            }
        }
        finally
        {
            // Runners (and their pollers) before the clients they call.
            foreach (var owned in Enumerable.Reverse(_owned))
            {
                owned.Dispose();
            }
        }
    }
}
