using System.Collections.Immutable;
using OneOff.Core.Runs;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Model;

/// <summary>
/// How long an active run has left, from ARCHITECTURE's one work model (<see cref="WorkModel"/>, as the form's
/// estimate): the work its unfinished sizes have left — a size still training is counted to <c>max_iter</c>, so a fit
/// that converges sooner ends sooner — timed at the rate the run itself has shown (the work its sizes have done over
/// its time since it started, less the rate's fixed cost) once it has shown one, else at the rate the form's estimate
/// uses (<see cref="RunLimits.Rate"/>). The sizes train in parallel: each size training now is given an equal share
/// of the rate, and the sizes waiting follow, largest first, as workers free up (the job's own order), so the run's
/// time left is never shorter than that of a size still training.
/// </summary>
/// <param name="Total">The time the run has left.</param>
/// <param name="Sizes">The time left of each size training now (its iteration above 0), by hidden size.</param>
/// <param name="Measured">True when the rate is the run's own, false when it is the form's.</param>
public sealed record RunTimeLeft(TimeSpan Total, ImmutableDictionary<int, TimeSpan> Sizes, bool Measured)
{
    /// <summary>How long a run must have worked before its own rate replaces the form's.</summary>
    public static readonly TimeSpan MinimumMeasured = TimeSpan.FromSeconds(2);

    /// <summary>The time left of <paramref name="run"/> at <paramref name="nowUtc"/>; null when the run is not queued, starting or running.</summary>
    /// <param name="run">The run as the page shows it.</param>
    /// <param name="nowUtc">Now, in UTC (from the injected clock).</param>
    /// <param name="rate">The rate used before the run has shown its own (the form's: <see cref="RunLimits.Rate"/>).</param>
    public static RunTimeLeft? Of(RunSnapshot run, DateTime nowUtc, WorkRate rate)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(rate);
        if (run.State is not (RunState.Queued or RunState.Starting or RunState.Running))
        {
            return null;
        }

        var p = run.Parameters;
        long done = 0;
        long left = 0;
        foreach (var size in run.Sizes)
        {
            // A size still waiting has done nothing, not even its first evaluation.
            var sizeDone = size.Done || size.Iteration > 0 ? WorkModel.SizeWorkDone(p, size.NHidden, Math.Max(0, size.Iteration)) : 0;
            done += sizeDone;
            left += size.Done ? 0 : WorkModel.SizeWork(p, size.NHidden) - sizeDone;
        }

        var elapsed = run.State == RunState.Running && run.StartedUtc is { } started ? nowUtc - started : TimeSpan.Zero;
        var working = elapsed - rate.FixedCost;
        var measured = done > 0 && working >= MinimumMeasured;
        var unitsPerSecond = measured ? done / working.TotalSeconds : rate.UnitsPerSecond;

        // Before the run's own rate is known, what is left of the fixed cost (start-up) is still ahead.
        var fixedLeft = measured || elapsed >= rate.FixedCost ? TimeSpan.Zero : rate.FixedCost - elapsed;
        var training = run.Sizes.Where(s => !s.Done && s.Iteration > 0).ToList();
        var sizes = ImmutableDictionary.CreateBuilder<int, TimeSpan>();
        if (training.Count == 0)
        {
            // Nothing trains yet (queued, starting, generating data): all the work at the whole rate, as the form says.
            return new RunTimeLeft(fixedLeft + Seconds(left / unitsPerSecond), sizes.ToImmutable(), measured);
        }

        // The job trains as many sizes at once as it has workers, each at an equal share of the rate, and gives a
        // worker that frees up the largest size still waiting: the run ends when its last worker does.
        var perWorker = unitsPerSecond / training.Count;
        var free = new double[training.Count];
        for (var i = 0; i < training.Count; i++)
        {
            var size = training[i];
            free[i] = (WorkModel.SizeWork(p, size.NHidden) - WorkModel.SizeWorkDone(p, size.NHidden, size.Iteration)) / perWorker;
            sizes[size.NHidden] = Seconds(free[i]);
        }

        foreach (var waiting in run.Sizes.Where(s => !s.Done && s.Iteration <= 0).OrderByDescending(s => s.NHidden))
        {
            var next = Array.IndexOf(free, free.Min());
            free[next] += WorkModel.SizeWork(p, waiting.NHidden) / perWorker;
        }

        return new RunTimeLeft(fixedLeft + Seconds(free.Max()), sizes.ToImmutable(), measured);
    }

    private static TimeSpan Seconds(double seconds) =>
        TimeSpan.FromSeconds(double.IsFinite(seconds) ? Math.Clamp(seconds, 0, TimeSpan.MaxValue.TotalSeconds / 2) : TimeSpan.MaxValue.TotalSeconds / 2);
}
