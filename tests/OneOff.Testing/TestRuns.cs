using OneOff.Core.Storage;
using OneOff.Core.Runs;
using OneOff.Jobs.Study;

namespace OneOff.Testing;

/// <summary>Real run folders, written by the real job (<see cref="XoStudy"/>, what <c>oneoff-job sweep</c> runs).</summary>
public static class TestRuns
{
    /// <summary>
    /// The study on a small scale (<c>--train-size 300 --test-size 200 --hidden 3,5 --max-iter 10</c> by default),
    /// published; or, with <paramref name="publish"/> false, generated and trained but not published (no manifest).
    /// </summary>
    public static async Task WriteAsync(string root, string runId, bool publish = true, int trainSize = 300, int[]? hidden = null)
    {
        var parameters = new RunParameters
        {
            TrainSize = trainSize,
            TestSize = 200,
            HiddenSizes = [.. hidden ?? [3, 5]],
            MaxIter = 10,
            RunId = runId,
        };
        var study = new XoStudy(new FolderObjectStore(root), TimeProvider.System, new SilentProgress(), workers: 1);
        if (publish)
        {
            await study.SweepAsync(parameters);
            return;
        }

        await study.GenerateAsync(parameters);
        foreach (var n in parameters.HiddenSizes)
        {
            await study.TrainAsync(runId, n);
        }
    }

    private sealed class SilentProgress : IStudyProgress
    {
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
        }

        public void Published(RunManifest manifest)
        {
        }
    }
}
