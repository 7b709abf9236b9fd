using OneOff.Core.Runs;

namespace OneOff.Jobs.Study;

/// <summary>What a run reports as it goes: the CLI turns it into a live display, plain lines or JSON events.</summary>
public interface IStudyProgress
{
    /// <summary>The run started, with these parameters.</summary>
    void Started(RunParameters parameters);

    /// <summary>A phase began ("generating data", "writing", "publishing").</summary>
    void Phase(string description);

    /// <summary>Size <paramref name="nHidden"/> finished an iteration (at most a few calls per second per size).</summary>
    void Iteration(int nHidden, int iteration, double loss);

    /// <summary>Size <paramref name="model"/>.NHidden is trained and its outputs are written.</summary>
    void ModelDone(ModelMetrics model);

    /// <summary>The manifest is written: the run is published.</summary>
    void Published(RunManifest manifest);
}
