using System.Numerics.Tensors;

namespace OneOff.Jobs.Training;

/// <summary>Why a minimisation stopped.</summary>
public enum LbfgsStop
{
    /// <summary>It ran <c>max_iter</c> iterations: a normal end.</summary>
    MaxIterations,

    /// <summary>The largest absolute gradient component fell to <c>tol</c> or below.</summary>
    GradientTolerance,

    /// <summary>No step along the search direction lowered the loss further (the loss is flat to machine precision).</summary>
    NoProgress,
}

/// <summary>The outcome of a minimisation.</summary>
/// <param name="Iterations">Accepted iterations.</param>
/// <param name="Loss">The loss at the final point.</param>
/// <param name="GradientMax">The largest absolute gradient component at the final point.</param>
/// <param name="Evaluations">Loss-and-gradient evaluations, line searches included.</param>
/// <param name="Stop">Why it stopped.</param>
public readonly record struct LbfgsResult(int Iterations, double Loss, double GradientMax, int Evaluations, LbfgsStop Stop);

/// <summary>
/// Limited-memory BFGS (two-loop recursion, history 10 by default) with a line search satisfying the strong
/// Wolfe conditions (c1 = 1e-4, c2 = 0.9; bracketing, then zoom by safeguarded cubic interpolation), stopping as
/// scipy does for scikit-learn: after <c>maxIter</c> iterations or when max |∇f| ≤ <c>tol</c>. All buffers are
/// allocated once; an iteration allocates nothing.
/// </summary>
internal sealed class Lbfgs
{
    private const double C1 = 1e-4;
    private const double C2 = 0.9;
    private const int MaxLineSearchEvaluations = 25;

    private readonly int _n;
    private readonly int _m;
    private readonly double[][] _s;
    private readonly double[][] _y;
    private readonly double[] _rho;
    private readonly double[] _alpha;
    private readonly double[] _g;
    private readonly double[] _d;
    private readonly double[] _xNew;
    private readonly double[] _gNew;

    public Lbfgs(int dimension, int history = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(history, 1);
        _n = dimension;
        _m = history;
        _s = new double[history][];
        _y = new double[history][];
        for (var i = 0; i < history; i++)
        {
            _s[i] = new double[dimension];
            _y[i] = new double[dimension];
        }

        _rho = new double[history];
        _alpha = new double[history];
        _g = new double[dimension];
        _d = new double[dimension];
        _xNew = new double[dimension];
        _gNew = new double[dimension];
    }

    /// <summary>Minimises <paramref name="f"/> from <paramref name="x"/> (updated in place to the final point).</summary>
    /// <param name="f">The objective.</param>
    /// <param name="x">Start point in, final point out.</param>
    /// <param name="maxIter">Iteration cap (a normal end).</param>
    /// <param name="tol">Gradient tolerance on max |∇f|.</param>
    /// <param name="onIteration">Called after each accepted iteration with (iteration, loss); may be null.</param>
    /// <param name="cancellationToken">Checked once per iteration.</param>
    public LbfgsResult Minimize(IObjective f, Span<double> x, int maxIter, double tol, Action<int, double>? onIteration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (x.Length != _n || f.Dimension != _n)
        {
            throw new ArgumentException($"The objective and the start point must have dimension {_n}.");
        }

        var evaluations = 1;
        var loss = f.Evaluate(x, _g);
        var gMax = Math.Abs(TensorPrimitives.MaxMagnitude<double>(_g));
        if (gMax <= tol)
        {
            return new LbfgsResult(0, loss, gMax, evaluations, LbfgsStop.GradientTolerance);
        }

        var stored = 0;
        var newest = -1;
        for (var k = 1; k <= maxIter; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Direction(stored, newest);
            var slope = TensorPrimitives.Dot<double>(_g, _d);
            if (!(slope < 0))
            {
                // Not a descent direction (curvature information went stale): restart from steepest descent.
                stored = 0;
                newest = -1;
                TensorPrimitives.Negate<double>(_g, _d);
                slope = -TensorPrimitives.Dot<double>(_g, _g);
            }

            var step0 = stored == 0 ? Math.Min(1.0, 1.0 / Math.Sqrt(-slope)) : 1.0;
            var (ok, newLoss, used) = LineSearch(f, x, loss, slope, step0);
            evaluations += used;
            if (!ok)
            {
                return new LbfgsResult(k - 1, loss, gMax, evaluations, LbfgsStop.NoProgress);
            }

            newest = (newest + 1) % _m;
            var s = _s[newest];
            var y = _y[newest];
            TensorPrimitives.Subtract<double>(_xNew, x, s);
            TensorPrimitives.Subtract<double>(_gNew, _g, y);
            var sy = TensorPrimitives.Dot<double>(s, y);
            if (sy > 1e-10 * TensorPrimitives.Dot<double>(y, y))
            {
                _rho[newest] = 1.0 / sy;
                stored = Math.Min(stored + 1, _m);
            }
            else
            {
                newest = (newest - 1 + _m) % _m;
            }

            _xNew.CopyTo(x);
            _gNew.CopyTo(_g, 0);
            loss = newLoss;
            gMax = Math.Abs(TensorPrimitives.MaxMagnitude<double>(_g));
            onIteration?.Invoke(k, loss);
            if (gMax <= tol)
            {
                return new LbfgsResult(k, loss, gMax, evaluations, LbfgsStop.GradientTolerance);
            }
        }

        return new LbfgsResult(maxIter, loss, gMax, evaluations, LbfgsStop.MaxIterations);
    }

    /// <summary>d = −H·g by the two-loop recursion over the stored pairs (newest first), scaled by sᵀy / yᵀy.</summary>
    private void Direction(int stored, int newest)
    {
        _g.CopyTo(_d, 0);
        var i = newest;
        for (var c = 0; c < stored; c++)
        {
            _alpha[i] = _rho[i] * TensorPrimitives.Dot<double>(_s[i], _d);
            TensorPrimitives.MultiplyAdd<double>(_y[i], -_alpha[i], _d, _d);
            i = (i - 1 + _m) % _m;
        }

        if (stored > 0)
        {
            var y = _y[newest];
            TensorPrimitives.Multiply<double>(_d, 1.0 / (_rho[newest] * TensorPrimitives.Dot<double>(y, y)), _d);
        }

        i = (newest - stored + 1 + _m) % _m;
        for (var c = 0; c < stored; c++)
        {
            var beta = _rho[i] * TensorPrimitives.Dot<double>(_y[i], _d);
            TensorPrimitives.MultiplyAdd<double>(_s[i], _alpha[i] - beta, _d, _d);
            i = (i + 1) % _m;
        }

        TensorPrimitives.Negate<double>(_d, _d);
    }

    /// <summary>
    /// Finds a step satisfying the strong Wolfe conditions (Nocedal &amp; Wright, algorithms 3.5 and 3.6).
    /// On success <c>_xNew</c> and <c>_gNew</c> hold the accepted point and its gradient.
    /// </summary>
    private (bool Ok, double Loss, int Evaluations) LineSearch(IObjective f, ReadOnlySpan<double> x, double phi0, double dphi0, double step)
    {
        var evaluations = 0;
        var prevStep = 0.0;
        var prevPhi = phi0;
        var prevDphi = dphi0;
        while (evaluations < MaxLineSearchEvaluations)
        {
            var (phi, dphi) = Probe(f, x, step);
            evaluations++;
            if (!double.IsFinite(phi) || phi > phi0 + C1 * step * dphi0 || (evaluations > 1 && phi >= prevPhi))
            {
                return Zoom(f, x, phi0, dphi0, prevStep, prevPhi, prevDphi, step, phi, dphi, evaluations);
            }

            if (Math.Abs(dphi) <= -C2 * dphi0)
            {
                return (true, phi, evaluations);
            }

            if (dphi >= 0)
            {
                return Zoom(f, x, phi0, dphi0, step, phi, dphi, prevStep, prevPhi, prevDphi, evaluations);
            }

            prevStep = step;
            prevPhi = phi;
            prevDphi = dphi;
            step *= 2;
        }

        return Accept(f, x, prevStep, evaluations);
    }

    private (bool Ok, double Loss, int Evaluations) Zoom(
        IObjective f, ReadOnlySpan<double> x, double phi0, double dphi0,
        double lo, double phiLo, double dphiLo, double hi, double phiHi, double dphiHi, int evaluations)
    {
        while (evaluations < MaxLineSearchEvaluations)
        {
            var step = Interpolate(lo, phiLo, dphiLo, hi, phiHi, dphiHi);
            var (phi, dphi) = Probe(f, x, step);
            evaluations++;
            if (!double.IsFinite(phi) || phi > phi0 + C1 * step * dphi0 || phi >= phiLo)
            {
                (hi, phiHi, dphiHi) = (step, phi, dphi);
            }
            else
            {
                if (Math.Abs(dphi) <= -C2 * dphi0)
                {
                    return (true, phi, evaluations);
                }

                if (dphi * (hi - lo) >= 0)
                {
                    (hi, phiHi, dphiHi) = (lo, phiLo, dphiLo);
                }

                (lo, phiLo, dphiLo) = (step, phi, dphi);
            }

            if (Math.Abs(hi - lo) <= 1e-12 * Math.Max(1.0, Math.Abs(lo)))
            {
                break;
            }
        }

        return Accept(f, x, lo, evaluations);
    }

    /// <summary>When the search runs out of evaluations, keeps the best step that lowered the loss, if any.</summary>
    private (bool Ok, double Loss, int Evaluations) Accept(IObjective f, ReadOnlySpan<double> x, double step, int evaluations)
    {
        if (step <= 0)
        {
            return (false, double.NaN, evaluations);
        }

        var (phi, _) = Probe(f, x, step);
        return (double.IsFinite(phi), phi, evaluations + 1);
    }

    /// <summary>Minimiser of the cubic through both ends (values and slopes), kept inside the middle 80% of the bracket.</summary>
    private static double Interpolate(double a, double fa, double da, double b, double fb, double db)
    {
        var lo = Math.Min(a, b);
        var hi = Math.Max(a, b);
        var margin = 0.1 * (hi - lo);
        var d1 = da + db - 3 * (fa - fb) / (a - b);
        var disc = d1 * d1 - da * db;
        var step = double.NaN;
        if (disc >= 0 && double.IsFinite(fb) && double.IsFinite(db))
        {
            var d2 = Math.Sign(b - a) * Math.Sqrt(disc);
            step = b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
        }

        return double.IsFinite(step) && step >= lo + margin && step <= hi - margin ? step : 0.5 * (lo + hi);
    }

    private (double Phi, double Dphi) Probe(IObjective f, ReadOnlySpan<double> x, double step)
    {
        TensorPrimitives.MultiplyAdd<double>(_d, step, x, _xNew);
        var phi = f.Evaluate(_xNew, _gNew);
        return (phi, TensorPrimitives.Dot<double>(_gNew, _d));
    }
}
