using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Jobs.Study;
using OneOff.Testing;

namespace OneOff.Jobs.Tests.Study;

public sealed class StudyCancellationTests
{
    private const string RunId = "cancelled-1";

    [Fact]
    public async Task SweepAsync_CancelledAfterAModel_LeavesNothingAndTheIdCanBeUsedAgain()
    {
        using var folder = new TempFolder();
        var store = new FolderObjectStore(folder.Path);
        var parameters = new RunParameters { RunId = RunId, TrainSize = 600, TestSize = 300, HiddenSizes = [20, 3], MaxIter = 30 };
        using var cancel = new CancellationTokenSource();
        var cancelling = new CancelOnFirstModel(cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new XoStudy(store, TimeProvider.System, cancelling, workers: 1).SweepAsync(parameters, cancel.Token));
        var left = new List<string>();
        await foreach (var key in store.ListAsync(RunKeys.Run(RunId), TestContext.Current.CancellationToken))
        {
            left.Add(key);
        }

        var study = new XoStudy(store, TimeProvider.System, new CancelOnFirstModel(null), workers: 1);
        await study.EnsureNewAsync(RunId, TestContext.Current.CancellationToken);
        var rerun = await study.SweepAsync(parameters, TestContext.Current.CancellationToken);

        Assert.True(cancelling.ModelsDone >= 1);
        Assert.Empty(left);
        Assert.Equal(2, rerun.Models.Length);
        Assert.True(File.Exists(folder[RunKeys.Manifest(RunId)]));
    }

    [Fact]
    public async Task Sweep_CancelledCli_SaysNothingWasPublishedAndLeavesNoFolder()
    {
        using var folder = new TempFolder();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var outcome = await Infrastructure.Cli.RunAsync(
            ["sweep", "--out", folder.Path, "--run-id", RunId, "--train-size", "200000", "--hidden", "400,600", "--max-iter", "1000"], cancel.Token);
        var again = await Infrastructure.Cli.RunAsync(["sweep", .. Infrastructure.Cli.Small(folder.Path, RunId)]);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("cancelled; nothing was published", outcome.Error, StringComparison.Ordinal);
        Assert.True(again.ExitCode == 0, again.Error);
    }

    private sealed class CancelOnFirstModel(CancellationTokenSource? cancel) : IStudyProgress
    {
        private int _modelsDone;

        public int ModelsDone => _modelsDone;

        public void Started(RunParameters parameters)
        {
        }

        public void Phase(string description)
        {
        }

        public void Iteration(int nHidden, int iteration, double loss)
        {
        }

        public void ModelDone(ModelMetrics model)
        {
            Interlocked.Increment(ref _modelsDone);
            cancel?.Cancel();
        }

        public void Published(RunManifest manifest)
        {
        }
    }
}
