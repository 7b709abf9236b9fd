using OneOff.Aws.Compute;
using OneOff.Aws.Tests.StandIns;
using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Compute;

/// <summary>
/// The shared <see cref="JobRunnerContractTests"/> for <see cref="EmrJobRunner"/> on the EMR stand-in with the real
/// job bundle and moto S3: the happy path publishes, a cancel publishes nothing, a new runner (a restarted control
/// plane) re-attaches by the cluster id and follows to the end, a foreign or malformed handle finds nothing.
/// </summary>
[Collection(StandInsCollection.Name)]
public sealed class EmrJobRunnerContractTests(StandInsFixture standins) : JobRunnerContractTests, IAsyncLifetime
{
    private readonly EmrJobRunnerStand _stand = new(standins);

    protected override IObjectStore Store => _stand.Store;

    protected override string RunnerName => EmrJobRunner.RunnerName;

    protected override IJobRunner CreateRunner() => _stand.CreateRunner();

    protected override RunParameters SmallJob(string runId) =>
        new() { RunId = runId, TrainSize = 300, TestSize = 100, HiddenSizes = [3, 5], MaxIter = 20 };

    // Cancelled right after its start event (the cluster is still provisioning): it need not be long to be cancelled.
    protected override RunParameters LongJob(string runId) =>
        new() { RunId = runId, TrainSize = 3000, TestSize = 300, HiddenSizes = [20, 40], MaxIter = 300, Tol = 1e-12 };

    protected override RunParameters MediumJob(string runId) =>
        new() { RunId = runId, TrainSize = 600, TestSize = 100, HiddenSizes = [4, 6], MaxIter = 40 };

    public ValueTask InitializeAsync() => _stand.InitializeAsync();

    public ValueTask DisposeAsync() => _stand.DisposeAsync();
}
