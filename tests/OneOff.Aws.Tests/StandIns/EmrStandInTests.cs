using System.IO.Compression;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using OneOff.Aws.Clients;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Clients.Emr.Models;
using OneOff.Testing;

namespace OneOff.Aws.Tests.StandIns;

/// <summary>
/// The EMR stand-in (tests/standins) driven through OneOff's own <see cref="EmrClient"/> and through boto3: a cluster's
/// life with the test bootstrap script and steps of tests/standins/testdata, and every fault it can be armed with.
/// </summary>
[Collection(StandInsCollection.Name)]
public sealed class EmrStandInTests(StandInsFixture standins) : IAsyncLifetime
{
    private static readonly string s_testdata = Path.Combine(RepoPaths.Root, "tests", "standins", "testdata");
    private readonly string _prefix = "tests/" + Guid.NewGuid().ToString("N")[..8];
    private EmrClient? _emr;
    private AmazonS3Client? _s3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private EmrClient Emr => _emr ?? throw new InvalidOperationException("Not initialised.");

    private AmazonS3Client S3 => _s3 ?? throw new InvalidOperationException("Not initialised.");

    public async ValueTask InitializeAsync()
    {
        standins.SkipIfUnavailable();
        await standins.ClearFaultsAsync();
        _emr = standins.Emr();
        _s3 = standins.S3();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = standins.Bucket, Key = _prefix + "/bootstrap.sh", FilePath = Path.Combine(s_testdata, "bootstrap.sh") }, Ct);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = standins.Bucket, Key = _prefix + "/driver.py", FilePath = Path.Combine(s_testdata, "driver.py") }, Ct);
    }

    public ValueTask DisposeAsync()
    {
        _emr?.Dispose();
        _s3?.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task RunJobFlow_BootstrapAndSteps_GoesThroughEveryStateToAllStepsCompleted()
    {
        var id = await RunAsync(bootstrapArgs: ["/opt/oneoff"], steps:
        [
            Step("installed", "cat", "/opt/oneoff/marker"),
            Step("spark", "spark-submit", "--deploy-mode", "client", $"s3://{standins.Bucket}/{_prefix}/driver.py", "6", "/opt/oneoff/sum.txt"),
        ]);

        var (states, cluster) = await FollowAsync(id);

        Assert.Equal(["STARTING", "BOOTSTRAPPING", "RUNNING", "TERMINATING", "TERMINATED"], states);
        Assert.Equal("ALL_STEPS_COMPLETED", cluster.Status?.StateChangeReason?.Code);
        Assert.StartsWith("s3n://", cluster.LogUri, StringComparison.Ordinal);
        Assert.Contains(cluster.Tags ?? [], t => t.Key == "oneoff:run-id" && t.Value == "standin-test");
        Assert.NotNull(cluster.Status?.Timeline?.ReadyDateTime);
        var steps = await Emr.ListAllStepsAsync(new ListStepsRequest { ClusterId = id }, Ct).ToListAsync(Ct);
        Assert.Equal(["spark", "installed"], steps.Select(s => s.Name));
        Assert.All(steps, s => Assert.Equal("COMPLETED", s.Status?.State));

        var inspected = await standins.InspectAsync(id);
        var primary = inspected.GetProperty("Nodes")[0].GetProperty("Root").GetString()!;
        Assert.Contains("master=true", await File.ReadAllTextAsync(Path.Combine(primary, "opt", "oneoff", "marker"), Ct), StringComparison.Ordinal);
        Assert.Equal((0 + 1 + 4 + 9 + 16 + 25).ToString(System.Globalization.CultureInfo.InvariantCulture), await File.ReadAllTextAsync(Path.Combine(primary, "opt", "oneoff", "sum.txt"), Ct));
        var core = inspected.GetProperty("Nodes")[1];
        Assert.Contains("master=false", await File.ReadAllTextAsync(Path.Combine(core.GetProperty("Root").GetString()!, "opt", "oneoff", "marker"), Ct), StringComparison.Ordinal);

        var sparkLog = await WaitForLogAsync($"{id}/steps/{steps[0].Id}/stdout.gz");
        Assert.Contains("sum=55", sparkLog, StringComparison.Ordinal);
        var bootstrapLog = await WaitForLogAsync($"{id}/node/{core.GetProperty("Ec2InstanceId").GetString()}/bootstrap-actions/1/stderr.gz");
        Assert.Contains("bootstrap stderr line", bootstrapLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Boto3_EveryOperation_ParsesEveryReply()
    {
        var input = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["emr"] = standins.EmrEndpoint.ToString(), ["s3"] = standins.S3Endpoint.ToString(), ["region"] = standins.Region,
            ["bucket"] = standins.Bucket, ["logUri"] = standins.LogUri, ["bootstrap"] = Path.Combine(s_testdata, "bootstrap.sh"),
        });
        var script = Path.Combine(RepoPaths.Root, "tests", "OneOff.Aws.Tests", "StandIns", "boto3_standin.py");

        var result = await ProcessRunner.RunAsync("python3", [script], stdin: input, timeout: TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 0, result.StdErr);
        var output = JsonDocument.Parse(result.StdOut).RootElement;
        Assert.Equal(["STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING"], output.GetProperty("states").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("FAILED", output.GetProperty("second").GetProperty("state").GetString());
        Assert.Equal(["second", "first"], output.GetProperty("steps").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3, output.GetProperty("instances").GetArrayLength());
        Assert.Equal(2, output.GetProperty("core").GetInt32());
        Assert.Equal("/opt/oneoff", output.GetProperty("bootstrapActions")[0].GetProperty("Args")[0].GetString());
        Assert.StartsWith("s3n://", output.GetProperty("logUri").GetString(), StringComparison.Ordinal);
        Assert.False(output.GetProperty("autoTerminate").GetBoolean());
        Assert.Equal("TERMINATED", output.GetProperty("final").GetString());
        Assert.Equal("USER_REQUEST", output.GetProperty("reason").GetProperty("Code").GetString());
        var errors = output.GetProperty("errors");
        Assert.Equal("InvalidRequestException", errors.GetProperty("describeUnknown").GetProperty("code").GetString());
        Assert.Equal("ValidationException", errors.GetProperty("terminateUnknown").GetProperty("code").GetString());
        Assert.Equal("ValidationException", errors.GetProperty("addToTerminated").GetProperty("code").GetString());
    }

    [Fact]
    public async Task StepFailure_TerminateCluster_CancelsLaterStepsAndTheLogArrivesLate()
    {
        var id = await RunAsync(steps:
        [
            Step("generate", "true"),
            Step("train", "sh", "-c", "echo 'training went wrong: size 12' >&2; exit 3"),
            Step("publish", "true"),
        ]);

        var (_, cluster) = await FollowAsync(id);

        Assert.Equal("TERMINATED_WITH_ERRORS", cluster.Status?.State);
        Assert.Equal("STEP_FAILURE", cluster.Status?.StateChangeReason?.Code);
        var steps = await Emr.ListAllStepsAsync(new ListStepsRequest { ClusterId = id }, Ct).ToListAsync(Ct);
        Assert.Equal(["CANCELLED", "FAILED", "COMPLETED"], steps.Select(s => s.Status?.State));
        var failed = (await Emr.DescribeStepAsync(new DescribeStepRequest { ClusterId = id, StepId = steps[1].Id! }, Ct)).Step;
        var details = failed?.Status?.FailureDetails;
        Assert.Equal("training went wrong: size 12", details?.Message);
        Assert.Equal($"{standins.LogUri}{id}/steps/{steps[1].Id}/stderr.gz", details?.LogFile);
        var key = details!.LogFile!["s3://".Length..].Split('/', 2)[1];
        Assert.False(await ExistsAsync(key), "the step's stderr.gz should reach S3 late, not with the failure");
        Assert.Contains("training went wrong: size 12", await WaitForLogAsync(key[LogPrefix.Length..]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BootstrapFailure_OnThePrimary_FailsWithTheErrorDetailAndTheNodeLog()
    {
        await standins.ArmAsync("""{"bootstrapFailure": "primary"}""");
        var id = await RunAsync(steps: [Step("never", "true")]);

        var (states, cluster) = await FollowAsync(id);

        Assert.DoesNotContain("RUNNING", states);
        Assert.Equal("TERMINATED_WITH_ERRORS", cluster.Status?.State);
        Assert.Equal("BOOTSTRAP_FAILURE", cluster.Status?.StateChangeReason?.Code);
        var error = Assert.Single(cluster.Status?.ErrorDetails ?? []);
        Assert.Equal("BOOTSTRAP_FAILURE_PRIMARY_WITH_NON_ZERO_CODE", error.ErrorCode);
        var primary = (await standins.InspectAsync(id)).GetProperty("Nodes")[0].GetProperty("Ec2InstanceId").GetString();
        Assert.Equal(primary, error.ErrorData?[0]["primary-instance-id"]);
        var steps = await Emr.ListAllStepsAsync(new ListStepsRequest { ClusterId = id }, Ct).ToListAsync(Ct);
        Assert.Equal("CANCELLED", Assert.Single(steps).Status?.State);
        Assert.Contains("bootstrap failure armed", await WaitForLogAsync($"{id}/node/{primary}/bootstrap-actions/1/stderr.gz"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BootstrapFailure_TheScriptFailsOnEveryNode_ReportsIt()
    {
        var id = await RunAsync(bootstrapArgs: ["/opt/oneoff", "", "fail"], steps: [Step("never", "true")]);

        var (_, cluster) = await FollowAsync(id);

        Assert.Equal("BOOTSTRAP_FAILURE", cluster.Status?.StateChangeReason?.Code);
        Assert.Contains(cluster.Status?.ErrorDetails ?? [], e => e.ErrorCode == "BOOTSTRAP_FAILURE_PRIMARY_WITH_NON_ZERO_CODE");
        var core = (await standins.InspectAsync(id)).GetProperty("Nodes")[1].GetProperty("Ec2InstanceId").GetString();
        Assert.Contains("failing as asked", await WaitForLogAsync($"{id}/node/{core}/bootstrap-actions/1/stderr.gz"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CapacityError_AtStart_EndsWithTheInsufficientCapacityErrorDetail()
    {
        await standins.ArmAsync("""{"capacityError": {"availabilityZone": "us-east-1a"}}""");
        var id = await RunAsync(steps: [Step("never", "true")]);

        var (states, cluster) = await FollowAsync(id);

        Assert.DoesNotContain("BOOTSTRAPPING", states);
        Assert.Equal("TERMINATED_WITH_ERRORS", cluster.Status?.State);
        var error = Assert.Single(cluster.Status?.ErrorDetails ?? []);
        Assert.Equal("INTERNAL_ERROR_EC2_INSUFFICIENT_CAPACITY_AZ", error.ErrorCode);
        Assert.Equal("m7g.xlarge", error.ErrorData?[0]["instance-type"]);
        Assert.Equal("us-east-1a", error.ErrorData?[0]["availability-zone"]);
    }

    [Fact]
    public async Task Hold_AtAStep_KeepsItPendingUntilReleasedThenTheClusterGoesOn()
    {
        await standins.ArmAsync("""{"hold": "work"}""");
        var id = await RunAsync(steps: [Step("work", "true")]);

        await WaitUntilAsync(id, c => c.GetProperty("State").GetString() == "RUNNING");
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
        var held = await standins.InspectAsync(id);
        var released = await standins.ReleaseAsync("work");
        var (_, cluster) = await FollowAsync(id);
        var again = await standins.ReleaseAsync("work");

        Assert.Equal("PENDING", held.GetProperty("Steps")[0].GetProperty("State").GetString());
        Assert.Equal("work", held.GetProperty("Held").GetString());
        Assert.Equal(1, released.GetProperty("released").GetInt32());
        Assert.Equal("ALL_STEPS_COMPLETED", cluster.Status?.StateChangeReason?.Code);
        Assert.Equal(0, again.GetProperty("released").GetInt32() + again.GetProperty("disarmed").GetInt32());
    }

    [Fact]
    public async Task Throttling_NextCalls_AnswerThrottlingExceptionThenRecover()
    {
        var id = await RunAsync(steps: [Step("quick", "true")]);
        await standins.ArmAsync("""{"throttle": {"count": 2, "operations": ["DescribeCluster"]}}""");
        using var noRetries = standins.Emr(retries: 0);

        var error = await Assert.ThrowsAsync<AwsThrottlingException>(() => noRetries.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = id }, Ct));
        var retried = await Emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = id }, Ct);

        Assert.Equal("ThrottlingException", error.ErrorCode);
        Assert.Equal(id, retried.Cluster?.Id);
        await FollowAsync(id);
    }

    [Fact]
    public async Task ExecutorLoss_TaskKilledOnce_IsRetriedAndTheStepCompletes()
    {
        await standins.ArmAsync("""{"executorLoss": true}""");
        var id = await RunAsync(steps: [Step("train", "spark-submit", "--deploy-mode", "client", $"s3://{standins.Bucket}/{_prefix}/driver.py", "4")]);

        var (_, cluster) = await FollowAsync(id);

        Assert.Equal("ALL_STEPS_COMPLETED", cluster.Status?.StateChangeReason?.Code);
        var step = Assert.Single(await Emr.ListAllStepsAsync(new ListStepsRequest { ClusterId = id }, Ct).ToListAsync(Ct));
        var stderr = await WaitForLogAsync($"{id}/steps/{step.Id}/stderr.gz");
        Assert.Contains("ExecutorLostFailure", stderr, StringComparison.Ordinal);
        Assert.Contains("Starting task 0.1", stderr, StringComparison.Ordinal);
        Assert.Contains("sum=14", await WaitForLogAsync($"{id}/steps/{step.Id}/stdout.gz"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TerminateJobFlows_DuringAStep_KillsTheStepsProcessGroup()
    {
        var id = await RunAsync(steps: [Step("hang", "sh", "-c", "sleep 300 & echo $! > /opt/oneoff/child.pid; wait"), Step("after", "true")]);
        var inspected = await WaitUntilAsync(id, c => c.GetProperty("Steps")[0].GetProperty("State").GetString() == "RUNNING");
        var pidFile = Path.Combine(inspected.GetProperty("Nodes")[0].GetProperty("Root").GetString()!, "opt", "oneoff", "child.pid");
        var child = int.Parse(await WaitForFileAsync(pidFile), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(IsAlive(child));

        await Emr.TerminateJobFlowsAsync(new TerminateJobFlowsRequest { JobFlowIds = [id] }, Ct);
        var (_, cluster) = await FollowAsync(id);

        Assert.Equal("TERMINATED", cluster.Status?.State);
        Assert.Equal("USER_REQUEST", cluster.Status?.StateChangeReason?.Code);
        var steps = await Emr.ListAllStepsAsync(new ListStepsRequest { ClusterId = id }, Ct).ToListAsync(Ct);
        Assert.Equal(["CANCELLED", "CANCELLED"], steps.Select(s => s.Status?.State));
        await WaitAsync(() => !IsAlive(child), "the step's child process should be killed");
    }

    [Fact]
    public async Task ListStepsAndListClusters_PageByFifty()
    {
        var steps = new List<StepConfig> { Step("block", "sleep", "300") };
        steps.AddRange(Enumerable.Range(1, 119).Select(i => Step($"s{i}", "true")));
        var id = await RunAsync(steps: steps);
        var first = await Emr.ListStepsAsync(new ListStepsRequest { ClusterId = id }, Ct);
        var all = await Emr.ListAllStepsAsync(new ListStepsRequest { ClusterId = id }, Ct).ToListAsync(Ct);
        var ids = new List<string>();
        for (var i = 0; i < 55; i++)
        {
            // Kept STARTING (a slow start each) so that all of them are still active when listed.
            await standins.ArmAsync("""{"slowStart": 60}""");
            ids.Add(await RunAsync(steps: [Step("x", "true")], name: "paging"));
        }

        var live = await Emr.ListClustersAsync(new ListClustersRequest { ClusterStates = EmrClusterState.Active }, Ct);
        var allLive = await Emr.ListAllClustersAsync(new ListClustersRequest { ClusterStates = EmrClusterState.Active }, Ct).ToListAsync(Ct);
        await Emr.TerminateJobFlowsAsync(new TerminateJobFlowsRequest { JobFlowIds = [id] }, Ct);
        foreach (var chunk in ids.Chunk(10))
        {
            await Emr.TerminateJobFlowsAsync(new TerminateJobFlowsRequest { JobFlowIds = chunk }, Ct);
        }

        Assert.Equal(50, first.Steps?.Count);
        Assert.NotNull(first.Marker);
        Assert.Equal(120, all.Count);
        Assert.Equal(120, all.Select(s => s.Id).Distinct().Count());
        Assert.Equal("block", all[^1].Name);
        Assert.Equal(50, live.Clusters?.Count);
        Assert.NotNull(live.Marker);
        Assert.Superset(ids.Append(id).ToHashSet(), allLive.Select(c => c.Id!).ToHashSet());
        await FollowAsync(id);
        var ended = await Emr.ListAllClustersAsync(new ListClustersRequest { ClusterStates = [EmrClusterState.Terminated] }, Ct).ToListAsync(Ct);
        Assert.Contains(ended, c => c.Id == id);
    }

    [Fact]
    public async Task Lease_ShutdownOnThePrimary_EndsTheStandInsClusterNotTheHost()
    {
        // bootstrap.sh schedules `sudo shutdown -h +1` on the primary: at the stand-in's time scale (0.01) 0.6 s.
        var id = await RunAsync(bootstrapArgs: ["/opt/oneoff", "1"], steps: [Step("hang", "sleep", "300")], keepAlive: true);

        var (_, cluster) = await FollowAsync(id);

        Assert.Equal("TERMINATED_WITH_ERRORS", cluster.Status?.State);
        Assert.Equal("INSTANCE_FAILURE", cluster.Status?.StateChangeReason?.Code);
        var lease = (await standins.InspectAsync(id)).GetProperty("Lease");
        Assert.Equal(1.0, lease.GetProperty("minutes").GetDouble());
        Assert.True(lease.GetProperty("fired").GetBoolean());
        Assert.False(File.Exists("/run/systemd/shutdown/scheduled"), "the host must not have a shutdown scheduled");
    }

    [Fact]
    public async Task Namespace_WhereAvailable_ShowsTheNodesFoldersAtTheRealPathsAndGuardsAbsoluteShutdown()
    {
        var inspected = await standins.InspectAsync();
        if (!inspected.GetProperty("Namespace").GetBoolean())
        {
            Assert.Skip("no private mount namespace here: " + inspected.GetProperty("NamespaceReason").GetString());
        }

        // Neither argument is rewritten (the paths sit inside a shell string): only the namespace makes them the node's.
        var id = await RunAsync(keepAlive: true, steps:
        [
            Step("info", "sh", "-c", "cat /mnt/var/lib/info/instance.json > /opt/oneoff/seen.json"),
            Step("absolute-shutdown", "sh", "-c", "/usr/sbin/shutdown -h +1"),
            Step("hang", "sleep", "300"),
        ]);

        var (_, cluster) = await FollowAsync(id);

        var node = (await standins.InspectAsync(id)).GetProperty("Nodes")[0].GetProperty("Root").GetString()!;
        Assert.True(JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(node, "opt", "oneoff", "seen.json"), Ct)).RootElement.GetProperty("isMaster").GetBoolean());
        Assert.False(Directory.Exists("/opt/oneoff") && File.Exists("/opt/oneoff/seen.json"), "the host's /opt must be untouched");
        Assert.Equal("INSTANCE_FAILURE", cluster.Status?.StateChangeReason?.Code);
    }

    [Fact]
    public async Task KeepAlive_WithAnIdleTimeout_WaitsRunsAddedStepsThenEndsItself()
    {
        var id = await RunAsync(steps: [Step("first", "true")], keepAlive: true, idleTimeoutSeconds: 300);
        await WaitUntilAsync(id, c => c.GetProperty("State").GetString() == "WAITING");

        var added = await Emr.AddJobFlowStepsAsync(new AddJobFlowStepsRequest { JobFlowId = id, Steps = [Step("added", "true")] }, Ct);
        var (states, cluster) = await FollowAsync(id, timeoutSeconds: 30);

        var step = await Emr.DescribeStepAsync(new DescribeStepRequest { ClusterId = id, StepId = added.StepIds![0] }, Ct);
        Assert.Equal("COMPLETED", step.Step?.Status?.State);
        Assert.Equal("TERMINATED", cluster.Status?.State);
        Assert.Contains("WAITING", states);
        Assert.Contains("idle", cluster.Status?.StateChangeReason?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_StdinClosed_StopsEverythingItStarted()
    {
        var (process, exports, lines, error) = await StandInsFixture.StartAsync(StandInsFixture.FastDelays);
        Assert.True(error is null, error);
        using var started = process!;
        var pids = System.Text.RegularExpressions.Regex.Matches(lines[0], @"pid (\d+)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3, pids.Count); // moto, the EMR stand-in, the Athena stand-in
        Assert.All(pids, pid => Assert.True(IsAlive(pid)));
        Assert.Equal("Aws", exports["OneOff__Mode"]);

        started.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await started.WaitForExitAsync(cts.Token);

        Assert.Equal(0, started.ExitCode);
        await WaitAsync(() => pids.All(pid => !IsAlive(pid)), "moto and the EMR and Athena stand-ins should be stopped");
    }

    private const string LogPrefix = "oneoff/emr-logs/";

    private static StepConfig Step(string name, params string[] argv) => new()
    {
        Name = name,
        ActionOnFailure = EmrActionOnFailure.TerminateCluster,
        HadoopJarStep = new HadoopJarStepConfig { Jar = "command-runner.jar", Args = argv },
    };

    private async Task<string> RunAsync(IReadOnlyList<StepConfig> steps, IReadOnlyList<string>? bootstrapArgs = null, bool keepAlive = false,
        long? idleTimeoutSeconds = null, string name = "standin-test")
    {
        var response = await Emr.RunJobFlowAsync(new RunJobFlowRequest
        {
            Name = name,
            LogUri = standins.LogUri,
            ReleaseLabel = "emr-7.13.0",
            Instances = new JobFlowInstancesConfig
            {
                InstanceGroups =
                [
                    new InstanceGroupConfig { InstanceRole = "MASTER", InstanceType = "m7g.xlarge", InstanceCount = 1 },
                    new InstanceGroupConfig { InstanceRole = "CORE", InstanceType = "m7g.xlarge", InstanceCount = 1 },
                ],
                KeepJobFlowAliveWhenNoSteps = keepAlive,
                TerminationProtected = false,
            },
            Steps = steps,
            BootstrapActions =
            [
                new BootstrapActionConfig
                {
                    Name = "install",
                    ScriptBootstrapAction = new ScriptBootstrapActionConfig { Path = $"s3://{standins.Bucket}/{_prefix}/bootstrap.sh", Args = bootstrapArgs ?? ["/opt/oneoff"] },
                },
            ],
            Applications = [new Application { Name = "Spark" }],
            JobFlowRole = "EMR_EC2_DefaultRole",
            ServiceRole = "EMR_DefaultRole_V2",
            Tags = [new OneOff.Aws.Clients.Emr.Models.Tag { Key = "oneoff:run-id", Value = "standin-test" }],
            AutoTerminationPolicy = idleTimeoutSeconds is null ? null : new AutoTerminationPolicy { IdleTimeout = idleTimeoutSeconds },
        }, Ct);
        return response.JobFlowId ?? throw new InvalidOperationException("RunJobFlow returned no id.");
    }

    /// <summary>Polls DescribeCluster until the cluster ends; the distinct states seen, in order, and its last description.</summary>
    private async Task<(List<string> States, Cluster Cluster)> FollowAsync(string id, int timeoutSeconds = 60)
    {
        var states = new List<string>();
        var inTime = Within(timeoutSeconds);
        while (true)
        {
            var cluster = (await Emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = id }, Ct)).Cluster
                ?? throw new InvalidOperationException("DescribeCluster returned no cluster.");
            var state = cluster.Status?.State ?? "";
            if (states.Count == 0 || states[^1] != state)
            {
                states.Add(state);
            }

            if (EmrClusterState.IsFinal(state))
            {
                return (states, cluster);
            }

            Assert.True(inTime(), $"{id} did not end in {timeoutSeconds} s: {string.Join(" → ", states)}");
            await Task.Delay(50, Ct);
        }
    }

    private async Task<JsonElement> WaitUntilAsync(string id, Func<JsonElement, bool> done)
    {
        var inTime = Within(30);
        while (true)
        {
            var cluster = await standins.InspectAsync(id);
            if (done(cluster))
            {
                return cluster;
            }

            Assert.True(inTime(), $"{id} never got there: {cluster}");
            await Task.Delay(50, Ct);
        }
    }

    private async Task<string> WaitForLogAsync(string keyUnderLogUri)
    {
        var key = LogPrefix + keyUnderLogUri;
        var inTime = Within(20);
        while (!await ExistsAsync(key))
        {
            Assert.True(inTime(), $"{key} never reached S3");
            await Task.Delay(100, Ct);
        }

        using var response = await S3.GetObjectAsync(standins.Bucket, key, Ct);
        await using var gzip = new GZipStream(response.ResponseStream, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return await reader.ReadToEndAsync(Ct);
    }

    private async Task<bool> ExistsAsync(string key)
    {
        try
        {
            await S3.GetObjectMetadataAsync(standins.Bucket, key, Ct);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private static async Task<string> WaitForFileAsync(string path)
    {
        var inTime = Within(20);
        while (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            Assert.True(inTime(), $"{path} never appeared");
            await Task.Delay(50, Ct);
        }

        return (await File.ReadAllTextAsync(path, Ct)).Trim();
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var inTime = Within(15);
        while (!condition())
        {
            Assert.True(inTime(), what);
            await Task.Delay(100, Ct);
        }
    }

    private static Func<bool> Within(double seconds)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        return () => clock.Elapsed < TimeSpan.FromSeconds(seconds);
    }

    /// <summary>True while the process exists and is not a zombie.</summary>
    private static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }
}
