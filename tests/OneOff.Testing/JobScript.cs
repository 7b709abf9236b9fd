using OneOff.Core.Compute;
using OneOff.Core.Runs;

namespace OneOff.Testing;

/// <summary>
/// What a <see cref="ScriptedJobRunner"/> job does, step by step on the runner's clock, e.g.
/// <c>new JobScript().Wait(TimeSpan.FromMinutes(8)).Started().SizeDone(3).Fails("step train failed: X").Exits(1, "step train failed: X")</c>.
/// A script that does not end with <see cref="Exits"/> exits 0 without a reason.
/// </summary>
public sealed class JobScript
{
    private readonly List<Step> _steps = [];

    /// <summary>When set, starting the job throws <see cref="JobStartException"/> with this message.</summary>
    public string? StartFailure { get; private set; }

    internal IReadOnlyList<Step> Steps => _steps;

    /// <summary>Waits <paramref name="duration"/> of the runner's clock (from the previous step's due time, so advancing early is not lost).</summary>
    public JobScript Wait(TimeSpan duration) => Add(new WaitStep(duration));

    /// <summary>Emits <c>started</c> (the job runs: a Starting run becomes Running) naming <paramref name="hiddenSizes"/>.</summary>
    public JobScript Started(params int[] hiddenSizes) => Add(new EventStep(id => new JobStarted(id, [.. hiddenSizes], 100)));

    /// <summary>Emits <c>phase</c> (what the job is doing now: "generating data", "provisioning", …).</summary>
    public JobScript Phase(string phase) => Add(new EventStep(_ => new JobPhase(phase)));

    /// <summary>Emits an <c>iteration</c> event.</summary>
    public JobScript Iteration(int nHidden, int iteration, double loss) => Add(new EventStep(_ => new JobIteration(nHidden, iteration, loss)));

    /// <summary>Emits <c>model_done</c> for one size.</summary>
    public JobScript SizeDone(int nHidden, ModelMetrics? metrics = null) =>
        Add(new EventStep(_ => new JobModelDone(nHidden, metrics ?? new ModelMetrics(nHidden, 1, 0.9, 0.8, 10, 0.1, 0.5))));

    /// <summary>Emits <c>failed</c> with <paramref name="message"/>.</summary>
    public JobScript Fails(string message) => Add(new EventStep(_ => new JobFailed(message)));

    /// <summary>Runs <paramref name="writeOutputs"/> (e.g. writes the manifest), then emits <c>published</c> with <paramref name="bestNHidden"/>.</summary>
    public JobScript Publishes(Func<string, CancellationToken, Task> writeOutputs, int bestNHidden = 0)
    {
        Add(new ActionStep(writeOutputs));
        return Add(new EventStep(id => new JobPublished(id, bestNHidden, 0)));
    }

    /// <summary>Ends the job with <paramref name="exitCode"/> and the runner's <paramref name="reason"/>.</summary>
    public JobScript Exits(int? exitCode = 0, string? reason = null) => Add(new ExitStep(new JobExit(exitCode, reason)));

    /// <summary>Makes starting the job fail with <paramref name="message"/>.</summary>
    public JobScript FailsToStart(string message)
    {
        StartFailure = message;
        return this;
    }

    private JobScript Add(Step step)
    {
        _steps.Add(step);
        return this;
    }

    internal abstract record Step;

    internal sealed record WaitStep(TimeSpan Duration) : Step;

    internal sealed record EventStep(Func<string, JobEvent> Make) : Step;

    internal sealed record ActionStep(Func<string, CancellationToken, Task> Run) : Step;

    internal sealed record ExitStep(JobExit Exit) : Step;
}
