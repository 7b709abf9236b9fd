using System.Globalization;

namespace OneOff.Core.Runs;

/// <summary>
/// ARCHITECTURE.md's one work model: how much arithmetic a run asks for, as a pure function of its
/// <see cref="RunParameters"/>. One work unit is one training point through one hidden unit in one loss-and-gradient
/// evaluation; a run's work is training points × Σ hidden sizes × (iterations + line-search evaluations). The form's
/// estimate, the run limit (<c>OneOff:Runs:MaxWork</c>), the progress ETA and the EMR cost estimate all start here;
/// <see cref="WorkRate"/> turns work into time.
/// </summary>
/// <remarks>
/// Why this measure: the job's cost is the L-BFGS fits (src/Jobs/Training/ModelFit.cs). Each objective evaluation
/// (MlpObjective.Evaluate) is one forward and backward pass over every training point for every hidden unit, about
/// 15 multiply-adds and one exp per point and unit, so its cost is proportional to training points × hidden size.
/// Generating the data, predicting the test points and the 10 201 grid cells once per size, and writing Parquet are
/// linear in the points and small beside the fits: they fall under <see cref="WorkRate.FixedCost"/> and the rate.
/// </remarks>
public static class WorkModel
{
    /// <summary>
    /// Objective evaluations per iteration beyond the one that accepts the step: the measured average, not the
    /// upper bound. Lbfgs.Minimize makes one evaluation at the start, then each iteration's line search
    /// (Lbfgs.LineSearch and Zoom) makes at least one and at most <c>MaxLineSearchEvaluations</c> = 25, plus one
    /// in Accept when it runs out: 26 per iteration at worst, a bound 20× too high to be useful. Measured with
    /// <c>OneOff.Bench floor</c> (a counting objective around the kernel, bench/README.md): the default study makes
    /// 106–121 evaluations per size for 100 iterations, so at most 0.21 extra per iteration.
    /// </summary>
    public const double ExtraEvaluationsPerIteration = 0.21;

    /// <summary>
    /// Loss-and-gradient evaluations one fit makes at most: the initial one, <paramref name="maxIter"/> iterations
    /// (the cap: a fit that converges or stalls stops sooner) and the line searches' extra evaluations.
    /// </summary>
    /// <param name="maxIter">The L-BFGS iteration cap (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxIter"/> is below 1.</exception>
    public static long Evaluations(int maxIter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIter, 1);
        return 1 + maxIter + (long)Math.Ceiling(maxIter * ExtraEvaluationsPerIteration);
    }

    /// <summary>
    /// Loss-and-gradient evaluations a fit has made, by the model's average, once it has accepted
    /// <paramref name="iterations"/> iterations: the initial one plus 1 + <see cref="ExtraEvaluationsPerIteration"/>
    /// per iteration (0 iterations: the initial one only).
    /// </summary>
    /// <param name="iterations">Accepted iterations (not negative).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="iterations"/> is negative.</exception>
    public static double EvaluationsAfter(int iterations)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        return 1 + iterations * (1 + ExtraEvaluationsPerIteration);
    }

    /// <summary>The work of one hidden size's fit at most (it runs to <c>max_iter</c>): training points × N × <see cref="Evaluations"/>.</summary>
    /// <param name="parameters">Validated run parameters.</param>
    /// <param name="nHidden">The hidden size (not negative).</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    public static long SizeWork(RunParameters parameters, int nHidden)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(nHidden);
        return parameters.TrainSize * (long)nHidden * Evaluations(parameters.MaxIter);
    }

    /// <summary>
    /// The work one hidden size's fit has done after <paramref name="iterations"/> accepted iterations (training
    /// points × N × <see cref="EvaluationsAfter"/>), never more than <see cref="SizeWork"/>; the work left of a fit
    /// still running is the difference.
    /// </summary>
    /// <param name="parameters">Validated run parameters.</param>
    /// <param name="nHidden">The hidden size (not negative).</param>
    /// <param name="iterations">Its accepted iterations so far (not negative).</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    public static long SizeWorkDone(RunParameters parameters, int nHidden, int iterations)
    {
        var total = SizeWork(parameters, nHidden);
        var done = parameters.TrainSize * (double)nHidden * EvaluationsAfter(iterations);
        return done >= total ? total : (long)done;
    }

    /// <summary>The work of a run in work units: training points × Σ hidden sizes × <see cref="Evaluations"/>.</summary>
    /// <param name="parameters">Validated run parameters.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    public static long Work(RunParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var units = 0L;
        foreach (var n in parameters.HiddenSizes)
        {
            units += n;
        }

        return parameters.TrainSize * units * Evaluations(parameters.MaxIter);
    }

    /// <summary>Work units written for people: "2.6 G", "300 G", "480 T" (SI prefixes, three significant digits).</summary>
    /// <param name="work">Work units (not negative).</param>
    public static string Format(long work)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(work);
        (double Scale, string Prefix)[] prefixes = [(1e15, " P"), (1e12, " T"), (1e9, " G"), (1e6, " M"), (1e3, " k")];
        foreach (var (scale, prefix) in prefixes)
        {
            if (work >= scale)
            {
                return (work / scale).ToString("G3", CultureInfo.InvariantCulture) + prefix;
            }
        }

        return work.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>How fast some machine does <see cref="WorkModel"/> work, and what a run costs before its first unit.</summary>
public sealed record WorkRate
{
    /// <summary>
    /// This machine (the 2-core AMD EPYC with AVX-512 the project is built on) running the job alone, whole process,
    /// both cores: 2.5 G work units per second and 0.5 s of fixed cost (process start and JIT, data, Parquet).
    /// </summary>
    /// <remarks>
    /// The idle figure comes from bench/README.md (2026-11-25, machine otherwise idle): the default study
    /// (2.70 G units) took 1.05–1.14 s of wall time for the whole process, ~1.0 s of it training, and the kernel runs
    /// at 1.75 G sample·unit/s per core at H = 600. CLI sweeps measured for this model on 2026-12-02
    /// (<c>oneoff-job sweep --out DIR …</c>, wall time of the process) ran while the machine was shared, at a load
    /// average of 7–11 on its 2 cores, and were 25–45× slower: the default study 48.7 s and 33.9 s (2.70 G units:
    /// 56–80 M units/s); <c>--train-size 50000 --hidden 100,200,400 --max-iter 200</c> 88.9 s (8.51 G units:
    /// 96 M units/s). Work scaled with points × Σ sizes within each sweep (per-size fit_seconds in the manifests:
    /// H = 100, 200, 400 took 29.5, 46.2 and 88.3 s). The rate is the idle one: a local run normally has the
    /// machine to itself (<c>OneOff:Runs:MaxConcurrent</c> = 1); on a busy machine every estimate is optimistic.
    /// </remarks>
    public static WorkRate Local { get; } = new(2.5e9, TimeSpan.FromSeconds(0.5));

    /// <summary>Creates a rate.</summary>
    /// <param name="unitsPerSecond">Work units per second (positive, finite).</param>
    /// <param name="fixedCost">Time a run takes whatever its work (not negative).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value out of range.</exception>
    public WorkRate(double unitsPerSecond, TimeSpan fixedCost)
    {
        if (!double.IsFinite(unitsPerSecond) || unitsPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(unitsPerSecond), unitsPerSecond, "The rate must be a positive, finite number of work units per second.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(fixedCost, TimeSpan.Zero);
        UnitsPerSecond = unitsPerSecond;
        FixedCost = fixedCost;
    }

    /// <summary>Work units per second.</summary>
    public double UnitsPerSecond { get; }

    /// <summary>Time a run takes before and after its work (start-up; on EMR, provisioning and bootstrap).</summary>
    public TimeSpan FixedCost { get; }

    /// <summary>The expected duration of <paramref name="work"/> units: the fixed cost plus work ÷ rate.</summary>
    /// <param name="work">Work units (not negative).</param>
    public TimeSpan Duration(long work)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(work);
        return FixedCost + TimeSpan.FromSeconds(Math.Min(work / UnitsPerSecond, TimeSpan.MaxValue.TotalSeconds / 2));
    }

    /// <summary>The expected duration of a run with <paramref name="parameters"/>.</summary>
    /// <param name="parameters">Validated run parameters.</param>
    public TimeSpan Duration(RunParameters parameters) => Duration(WorkModel.Work(parameters));
}
