using System.IO.Compression;
using System.Text;
using System.Text.Json;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Clients.Emr.Models;
using OneOff.Aws.Compute;
using OneOff.Aws.Tests.StandIns;
using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Compute;

/// <summary>
/// <see cref="EmrJobRunner"/> following runs through the races a real control plane meets, on the EMR stand-in with
/// the real bundle: a cancel landing after the manifest exists (the manifest decides: Succeeded, nothing deleted), an
/// executor lost mid-task and retried by Spark, the runner disposed mid-training (the dashboard killed) and a new
/// runner re-attaching, and a start whose handle was never saved found again by its submission tag.
/// </summary>
[Collection(StandInsCollection.Name)]
public sealed class EmrJobRunnerFollowTests(StandInsFixture standins) : IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);
    private readonly EmrJobRunnerStand _stand = new(standins);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _stand.InitializeAsync();

    public ValueTask DisposeAsync() => _stand.DisposeAsync();

    [Fact]
    public async Task CancelAsync_AfterPublishWroteTheManifest_SucceedsAndDeletesNothing()
    {
        // The publish step stays RUNNING for 4 s after its command wrote the manifest: the cancel lands in that window.
        await standins.ArmAsync("""{"stepLinger": {"step": "publish", "seconds": 4}}""");
        var parameters = Parameters("follow-cancel-publish");
        await using var execution = await _stand.CreateRunner().StartAsync(new JobRequest(parameters), Ct);
        var reading = JobExecutions.ReadAllAsync(execution, s_timeout, Ct);
        await WaitUntilAsync(() => _stand.Store.ExistsAsync(RunKeys.Manifest(parameters.RunId), Ct));
        var before = await KeysAsync(parameters.RunId);

        await execution.CancelAsync(Ct).WaitAsync(s_timeout, Ct);
        var exit = await execution.Completion.WaitAsync(s_timeout, Ct);
        var events = await reading;

        Assert.Null(exit.Reason);
        Assert.Equal(parameters.RunId, Assert.IsType<JobPublished>(events[^1]).RunId);
        Assert.Contains(events, e => e is JobPhase { Phase: "publishing" });
        Assert.Equal(before, await KeysAsync(parameters.RunId));
        Assert.Contains(RunKeys.Train(parameters.RunId), before);
        Assert.All(parameters.HiddenSizes, n => Assert.Contains(RunKeys.Metrics(parameters.RunId, n), before));
        using var emr = standins.Emr();
        var cluster = (await emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = execution.Handle.Id }, Ct)).Cluster;
        Assert.Equal("USER_REQUEST", cluster?.Status?.StateChangeReason?.Code);
        var publish = (await emr.ListAllStepsAsync(new ListStepsRequest { ClusterId = execution.Handle.Id }, Ct).ToListAsync(Ct)).Single(s => s.Name == EmrStepNames.Publish);
        Assert.Equal(EmrStepState.Cancelled, publish.Status?.State);
    }

    [Fact]
    public async Task ExecutorLoss_TrainTaskKilledBySignal_IsRetriedAndTheRunSucceedsWithEverySize()
    {
        await standins.ArmAsync("""{"executorLoss": true}""");
        var parameters = Parameters("follow-executor-loss");
        await using var execution = await _stand.CreateRunner().StartAsync(new JobRequest(parameters), Ct);

        var events = await JobExecutions.ReadAllAsync(execution, s_timeout, Ct);
        var exit = await execution.Completion.WaitAsync(s_timeout, Ct);

        Assert.Null(exit.Reason);
        Assert.Equal(parameters.RunId, Assert.IsType<JobPublished>(events[^1]).RunId);
        Assert.Equal(parameters.HiddenSizes.Order(), events.OfType<JobModelDone>().Select(m => m.NHidden).Order());
        foreach (var n in parameters.HiddenSizes)
        {
            Assert.True(await _stand.Store.ExistsAsync(RunKeys.Metrics(parameters.RunId, n), Ct), $"metrics of size {n}");
        }

        Assert.Equal(0, (await FaultsAsync()).GetProperty("executorLoss").GetInt32());
        using var emr = standins.Emr();
        var train = (await emr.ListAllStepsAsync(new ListStepsRequest { ClusterId = execution.Handle.Id }, Ct).ToListAsync(Ct)).Single(s => s.Name == EmrStepNames.Train);
        var stderr = await LogAsync($"logs/{execution.Handle.Id}/steps/{train.Id}/stderr.gz");
        Assert.Contains("ExecutorLostFailure", stderr, StringComparison.Ordinal);
        Assert.Contains("Starting task 0.1", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttachAsync_RunnerDisposedMidTraining_NewRunnerFollowsTheLiveClusterToSucceeded()
    {
        var parameters = Parameters("follow-reattach") with { HiddenSizes = [8, 12], MaxIter = 200, Tol = 1e-12 };
        var first = _stand.CreateRunner();
        var execution = await first.StartAsync(new JobRequest(parameters), Ct);
        var before = new List<JobEvent>();
        await using (var events = execution.ReadEventsAsync(Ct).GetAsyncEnumerator(Ct))
        {
            while (await events.MoveNextAsync().AsTask().WaitAsync(s_timeout, Ct))
            {
                before.Add(events.Current);
                if (events.Current is JobPhase { Phase: var phase } && phase.StartsWith("training", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }

        await first.DisposeAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => execution.Completion.WaitAsync(s_timeout, Ct));
        await execution.DisposeAsync();
        using var emr = standins.Emr();
        var state = (await emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = execution.Handle.Id }, Ct)).Cluster?.Status?.State;
        await using var attached = await _stand.CreateRunner().AttachAsync(parameters.RunId, execution.Handle, Ct);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => first.StartAsync(new JobRequest(Parameters("follow-reattach-late")), Ct));

        Assert.Equal(EmrClusterState.Running, state);
        Assert.NotNull(attached);
        var after = await JobExecutions.ReadAllAsync(attached, s_timeout, Ct);
        var exit = await attached.Completion.WaitAsync(s_timeout, Ct);
        Assert.Null(exit.Reason);
        Assert.Equal(parameters.HiddenSizes, Assert.IsType<JobStarted>(after[0]).HiddenSizes);
        Assert.Equal(parameters.RunId, Assert.IsType<JobPublished>(after[^1]).RunId);
        var reportedBefore = before.OfType<JobModelDone>().Select(m => m.NHidden).ToHashSet();
        var reportedAfter = after.OfType<JobModelDone>().Select(m => m.NHidden).ToHashSet();
        Assert.Superset(parameters.HiddenSizes.Except(reportedBefore).ToHashSet(), reportedAfter);
        Assert.Equal(parameters.HiddenSizes.Order(), reportedBefore.Union(reportedAfter).Order());
        Assert.DoesNotContain(before, e => e is JobFailed);
    }

    [Fact]
    public async Task FindStartedAsync_NewRunner_FindsTheOneClusterByItsSubmissionTagAndNothingForAnotherSubmission()
    {
        var request = new JobRequest(Parameters("follow-find-started")) { SubmissionKey = "follow-find-started.3" };
        await using var started = await _stand.CreateRunner().StartAsync(request, Ct);
        var restarted = _stand.CreateRunner();

        await using var found = await restarted.FindStartedAsync(request, Ct);
        var otherSubmission = await restarted.FindStartedAsync(request with { SubmissionKey = "follow-find-started.4" }, Ct);
        var otherRun = await restarted.FindStartedAsync(new JobRequest(Parameters("follow-find-nothing")) { SubmissionKey = request.SubmissionKey }, Ct);

        Assert.NotNull(found);
        Assert.Equal(started.Handle, found.Handle);
        Assert.Null(otherSubmission);
        Assert.Null(otherRun);
        using var emr = standins.Emr();
        var clusters = await emr.ListAllClustersAsync(new ListClustersRequest(), Ct).ToListAsync(Ct);
        Assert.Single(clusters, c => c.Name == $"oneoff {_stand.DeploymentId} follow-find-started");
        await started.CancelAsync(Ct).WaitAsync(s_timeout, Ct);
        var exit = await found.Completion.WaitAsync(s_timeout, Ct);
        Assert.StartsWith("the cluster was terminated on request (EMR USER_REQUEST", exit.Reason, StringComparison.Ordinal);
    }

    private static RunParameters Parameters(string runId) =>
        new() { RunId = runId, TrainSize = 200, TestSize = 100, HiddenSizes = [3, 5], MaxIter = 20 };

    private async Task<List<string>> KeysAsync(string runId) =>
        (await _stand.Store.ListAsync(RunKeys.Run(runId), Ct).ToListAsync(Ct)).Order(StringComparer.Ordinal).ToList();

    /// <summary>A gzipped log once the stand-in has uploaded it (after its log delay).</summary>
    private async Task<string> LogAsync(string key)
    {
        await WaitUntilAsync(() => _stand.Store.ExistsAsync(key, Ct));
        using var gzip = new GZipStream(new MemoryStream(await _stand.Store.GetAsync(key, Ct)), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return await reader.ReadToEndAsync(Ct);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(s_timeout);
        while (!await condition())
        {
            await Task.Delay(100, limit.Token);
        }
    }

    private async Task<JsonElement> FaultsAsync()
    {
        using var http = new HttpClient();
        return JsonDocument.Parse(await http.GetStringAsync(new Uri(standins.EmrEndpoint, "/_faults"), Ct)).RootElement.Clone();
    }
}
