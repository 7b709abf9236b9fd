using Amazon.Runtime;
using OneOff.Aws.Clients;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Clients.Emr.Models;
using OneOff.Aws.Compute;
using OneOff.Aws.Tests.Clients;
using OneOff.Aws.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Compute;

/// <summary>
/// The built request and the calls that read a cluster's instances and bootstrap actions, against moto (which
/// checks shapes; its clusters never run their steps): wire-shape smoke tests beside the conformance harness.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class EmrClusterRequestMotoTests(MotoServer moto) : IAsyncLifetime
{
    private EmrClient? _emr;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private EmrClient Emr => _emr ?? throw new InvalidOperationException("Not initialised.");

    public async ValueTask InitializeAsync()
    {
        await moto.ResetAsync();
        _emr = ClientFactory.Emr(
            moto.Endpoint, new AwsClientOptions { Region = MotoServer.Region, MaxRetryAttempts = 1 }, new BasicAWSCredentials(MotoServer.AccessKey, MotoServer.SecretKey));
    }

    public ValueTask DisposeAsync()
    {
        _emr?.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task BuiltRequest_MotoStartsTheClusterWithItsTagsStepsAndBootstrapAction()
    {
        var run = await Emr.RunJobFlowAsync(EmrGoldenRun.Request(), Ct);
        var clusterId = run.JobFlowId ?? throw new InvalidOperationException("no cluster id");

        var cluster = (await Emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = clusterId }, Ct)).Cluster;
        var steps = await Emr.ListAllStepsAsync(new ListStepsRequest { ClusterId = clusterId }, Ct).ToListAsync(Ct);
        var actions = (await Emr.ListBootstrapActionsAsync(new ListBootstrapActionsRequest { ClusterId = clusterId }, Ct)).BootstrapActions;
        var instances = await Emr.ListAllInstancesAsync(new ListInstancesRequest { ClusterId = clusterId }, Ct).ToListAsync(Ct);
        await Emr.TerminateJobFlowsAsync(new TerminateJobFlowsRequest { JobFlowIds = [clusterId] }, Ct);

        Assert.NotNull(cluster);
        Assert.Equal("oneoff prod 20261201-110000-ab12", cluster.Name);
        Assert.Equal("prod", EmrTags.Find(cluster.Tags, EmrTags.Deployment));
        Assert.Equal(EmrGoldenRun.SubmissionKey, EmrTags.Find(cluster.Tags, EmrTags.Submission));
        Assert.Equal(EmrGoldenRun.Now.AddMinutes(180), EmrTags.ParseTime(EmrTags.Find(cluster.Tags, EmrTags.LeaseExpires)));
        Assert.Equal("s3://oneoff-data/team/oneoff/logs/", EmrLogUri.Normalize(cluster.LogUri));
        Assert.Equal(["generate", "train", "publish"], steps.Select(s => s.Name).Reverse());
        var action = Assert.Single(actions ?? []);
        Assert.Equal(EmrGoldenRun.Artifacts.BootstrapScriptUri, action.ScriptPath);
        Assert.Equal([EmrGoldenRun.Artifacts.Folder, "/opt/oneoff", "180"], action.Args);
        Assert.Equal(4, instances.Count);
        Assert.All(instances, i => Assert.Equal("m7g.xlarge", i.InstanceType));
        Assert.Equal(4, EmrCost.Usage(instances).Count);
    }
}
