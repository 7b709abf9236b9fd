using System.Text.Json;
using Amazon.Runtime;
using OneOff.Aws.Clients;
using OneOff.Aws.Clients.Athena;
using OneOff.Aws.Clients.Athena.Models;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Clients.Emr.Models;
using OneOff.Aws.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Clients;

/// <summary>
/// Every Athena and EMR operation end to end against moto, which checks request shapes (its EMR states never
/// move; its Athena results are the canned ones set through moto's API).
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class MotoClientsTests(MotoServer moto) : IAsyncLifetime
{
    private AthenaClient? _athena;
    private EmrClient? _emr;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AthenaClient Athena => _athena ?? throw new InvalidOperationException("Not initialised.");

    private EmrClient Emr => _emr ?? throw new InvalidOperationException("Not initialised.");

    public async ValueTask InitializeAsync()
    {
        await moto.ResetAsync();
        var credentials = new BasicAWSCredentials(MotoServer.AccessKey, MotoServer.SecretKey);
        var options = new AwsClientOptions { Region = MotoServer.Region, MaxRetryAttempts = 1 };
        _athena = ClientFactory.Athena(moto.Endpoint, options, credentials);
        _emr = ClientFactory.Emr(moto.Endpoint, options, credentials);
    }

    public ValueTask DisposeAsync()
    {
        _athena?.Dispose();
        _emr?.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Athena_StartGetResultsStop_WorkEndToEnd()
    {
        await moto.SetAthenaResultsAsync(JsonSerializer.Serialize(new
        {
            region = MotoServer.Region,
            results = new[]
            {
                new
                {
                    rows = new object[]
                    {
                        new { Data = new object[] { new { VarCharValue = "n_hidden" }, new { VarCharValue = "surface_agree" } } },
                        new { Data = new object[] { new { VarCharValue = "30" }, new { VarCharValue = "0.943" } } },
                        new { Data = new object[] { new { VarCharValue = "5" }, new { } } },
                    },
                    column_info = new[]
                    {
                        new { CatalogName = "hive", SchemaName = "", TableName = "", Name = "n_hidden", Label = "n_hidden", Type = "integer", Precision = 10, Scale = 0, Nullable = "UNKNOWN", CaseSensitive = false },
                        new { CatalogName = "hive", SchemaName = "", TableName = "", Name = "surface_agree", Label = "surface_agree", Type = "double", Precision = 17, Scale = 0, Nullable = "UNKNOWN", CaseSensitive = false },
                    },
                },
            },
        }));

        var started = await Athena.StartQueryExecutionAsync(new StartQueryExecutionRequest
        {
            QueryString = "SELECT n_hidden, surface_agree FROM metrics WHERE run_id = ?",
            QueryExecutionContext = new QueryExecutionContext { Database = "oneoff", Catalog = "AwsDataCatalog" },
            ResultConfiguration = new ResultConfiguration { OutputLocation = "s3://oneoff-results/athena/" },
            WorkGroup = "primary",
            ExecutionParameters = ["'20240102-030405-abcd'"],
            ResultReuseConfiguration = new ResultReuseConfiguration { ResultReuseByAgeConfiguration = new ResultReuseByAgeConfiguration { Enabled = true, MaxAgeInMinutes = 60 } },
        }, Ct);
        var execution = (await Athena.GetQueryExecutionAsync(new GetQueryExecutionRequest { QueryExecutionId = started.QueryExecutionId! }, Ct)).QueryExecution!;
        var results = await Athena.GetAllQueryResultsAsync(execution.QueryExecutionId!, execution.StatementType ?? AthenaStatementType.Dml, cancellationToken: Ct);
        await Athena.StopQueryExecutionAsync(new StopQueryExecutionRequest { QueryExecutionId = started.QueryExecutionId! }, Ct);

        Assert.False(string.IsNullOrEmpty(started.QueryExecutionId));
        Assert.Equal(started.QueryExecutionId, execution.QueryExecutionId);
        Assert.Equal(AthenaQueryState.Succeeded, execution.Status!.State);
        Assert.NotNull(execution.Status.SubmissionDateTime);
        Assert.StartsWith($"s3://oneoff-results/athena/{started.QueryExecutionId}", execution.ResultConfiguration!.OutputLocation, StringComparison.Ordinal);
        Assert.Equal(["n_hidden", "surface_agree"], results.Columns.Select(c => c.Name));
        Assert.Equal([["30", "0.943"], ["5", null]], results.Rows.Select(r => r.ToArray()));
    }

    [Fact]
    public async Task Emr_ClusterLifecycle_WorksEndToEnd()
    {
        var run = await Emr.RunJobFlowAsync(OneOffShapedRequest("run-1"), Ct);
        var described = (await Emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = run.JobFlowId! }, Ct)).Cluster!;
        var added = await Emr.AddJobFlowStepsAsync(new AddJobFlowStepsRequest
        {
            JobFlowId = run.JobFlowId!,
            Steps = [.. Enumerable.Range(0, 60).Select(i => Step($"train-{i}", "train", "--n-hidden", $"{i + 1}"))],
        }, Ct);
        var steps = await Emr.ListAllStepsAsync(new ListStepsRequest { ClusterId = run.JobFlowId! }, Ct).ToListAsync(Ct);
        var step = (await Emr.DescribeStepAsync(new DescribeStepRequest { ClusterId = run.JobFlowId!, StepId = added.StepIds![0] }, Ct)).Step!;
        var active = await Emr.ListAllClustersAsync(new ListClustersRequest { ClusterStates = EmrClusterState.Active }, Ct).ToListAsync(Ct);
        await Emr.TerminateJobFlowsAsync(new TerminateJobFlowsRequest { JobFlowIds = [run.JobFlowId!] }, Ct);
        var terminated = (await Emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = run.JobFlowId! }, Ct)).Cluster!;

        Assert.StartsWith("j-", run.JobFlowId, StringComparison.Ordinal);
        Assert.Equal("oneoff run-1", described.Name);
        Assert.Equal("emr-7.13.0", described.ReleaseLabel);
        Assert.Equal("s3://bucket/oneoff/logs/", described.LogUri);
        Assert.Contains(described.Tags!, t => t is { Key: "oneoff:run-id", Value: "run-1" });
        Assert.Contains(described.Applications!, a => a.Name == "Spark");
        Assert.NotNull(described.Status!.Timeline!.CreationDateTime);
        Assert.Equal(60, added.StepIds!.Count);
        Assert.Equal(63, steps.Count);
        Assert.Equal(steps.Count, steps.Select(s => s.Id).Distinct().Count());
        Assert.Equal("train-0", step.Name);
        Assert.Equal(["/usr/local/bin/oneoff-job", "train", "--n-hidden", "1"], step.Config!.Args);
        Assert.Contains(active, c => c.Id == run.JobFlowId);
        Assert.Equal(EmrClusterState.Terminated, terminated.Status!.State);
    }

    [Fact]
    public async Task Emr_ListClusters_FollowsPagesAndFiltersByState()
    {
        for (var i = 0; i < 55; i++)
        {
            await Emr.RunJobFlowAsync(OneOffShapedRequest($"r{i}"), Ct);
        }

        var first = await Emr.RunJobFlowAsync(OneOffShapedRequest("gone"), Ct);
        await Emr.TerminateJobFlowsAsync(new TerminateJobFlowsRequest { JobFlowIds = [first.JobFlowId!] }, Ct);

        var active = await Emr.ListAllClustersAsync(new ListClustersRequest { ClusterStates = EmrClusterState.Active }, Ct).ToListAsync(Ct);
        var all = await Emr.ListAllClustersAsync(new ListClustersRequest(), Ct).ToListAsync(Ct);

        Assert.Equal(55, active.Count);
        Assert.DoesNotContain(active, c => c.Id == first.JobFlowId);
        Assert.Equal(56, all.Count);
    }

    [Fact]
    public async Task Emr_UnknownCluster_ThrowsInvalidRequest()
    {
        var error = await Assert.ThrowsAsync<AwsInvalidRequestException>(() => Emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = "j-NOPE" }, Ct));

        Assert.Equal("InvalidRequestException", error.ErrorCode);
    }

    private static StepConfig Step(string name, params string[] args) => new()
    {
        Name = name,
        ActionOnFailure = EmrActionOnFailure.TerminateCluster,
        HadoopJarStep = new HadoopJarStepConfig { Jar = "command-runner.jar", Args = ["/usr/local/bin/oneoff-job", .. args] },
    };

    private static RunJobFlowRequest OneOffShapedRequest(string runId) => new()
    {
        Name = $"oneoff {runId}",
        LogUri = "s3://bucket/oneoff/logs/",
        ReleaseLabel = "emr-7.13.0",
        Instances = new JobFlowInstancesConfig
        {
            InstanceGroups =
            [
                new InstanceGroupConfig { Name = "primary", InstanceRole = "MASTER", InstanceType = "m7g.xlarge", InstanceCount = 1, Market = "ON_DEMAND" },
                new InstanceGroupConfig
                {
                    Name = "core", InstanceRole = "CORE", InstanceType = "m7g.xlarge", InstanceCount = 2,
                    EbsConfiguration = new EbsConfiguration { EbsBlockDeviceConfigs = [new EbsBlockDeviceConfig { VolumeSpecification = new VolumeSpecification { VolumeType = "gp3", SizeInGB = 64 }, VolumesPerInstance = 1 }] },
                },
            ],
            KeepJobFlowAliveWhenNoSteps = false,
            TerminationProtected = false,
            Ec2SubnetId = "subnet-0123",
        },
        Steps = [Step("generate", "generate"), Step("train", "train"), Step("publish", "publish")],
        BootstrapActions = [new BootstrapActionConfig { Name = "install", ScriptBootstrapAction = new ScriptBootstrapActionConfig { Path = "s3://bucket/oneoff/bootstrap.sh", Args = ["s3://bucket/oneoff/artifacts/"] } }],
        Applications = [new Application { Name = "Spark" }],
        Configurations =
        [
            new Configuration { Classification = "spark-env", Configurations = [new Configuration { Classification = "export", Properties = new Dictionary<string, string> { ["PYSPARK_PYTHON"] = "/usr/bin/python3" } }] },
        ],
        VisibleToAllUsers = true,
        JobFlowRole = "EMR_EC2_DefaultRole",
        ServiceRole = "EMR_DefaultRole",
        Tags = [new Tag { Key = "oneoff:deployment", Value = "default" }, new Tag { Key = "oneoff:run-id", Value = runId }],
        AutoTerminationPolicy = new AutoTerminationPolicy { IdleTimeout = 600 },
    };
}
