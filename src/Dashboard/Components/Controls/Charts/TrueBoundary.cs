using OneOff.Core.Runs;

namespace OneOff.Dashboard.Components.Controls.Charts;

/// <summary>
/// Draws the true X/O boundary of a run: the lines where the class of <see cref="XoGeometry.ClassAt"/> changes. The
/// shape is not restated here: the candidate curves are the geometry's bar edges and its circle, and the rule
/// itself decides which parts of them are boundary (the circle inside a bar is not, as the X wins there).
/// </summary>
/// <param name="Geometry">The run's geometry (its <c>x_half_width</c> and <c>radius</c>).</param>
public sealed record TrueBoundary(XoGeometry Geometry)
{
    private const int StepsPerCurve = 192;
    private const double Side = 1e-6;
    private const int Bisections = 48;

    /// <summary>The geometry of <paramref name="radius"/> and <paramref name="xHalfWidth"/>; the original study's by default.</summary>
    public TrueBoundary(double radius = 3.5, double xHalfWidth = 0.5)
        : this(new XoGeometry(xHalfWidth, radius))
    {
    }

    /// <summary>The geometry of the default parameters (the original study's).</summary>
    public static TrueBoundary Default { get; } = new(new RunParameters().Radius, new RunParameters().XHalfWidth);

    /// <summary>The O's radius.</summary>
    public double Radius => Geometry.Radius;

    /// <summary>The X bars' half-width.</summary>
    public double XHalfWidth => Geometry.XHalfWidth;

    /// <summary>The geometry a run was generated with (its manifest's parameters).</summary>
    public static TrueBoundary Of(ManifestParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new TrueBoundary(parameters.Radius, parameters.XHalfWidth);
    }

    /// <summary>
    /// The boundary lines inside the square [-<paramref name="half"/>, <paramref name="half"/>]² of the plotted
    /// (rotated) plane, as polylines separated by <see cref="ChartLayouts.Gap"/> (Plotly draws a gap at null).
    /// </summary>
    public (IList<object> X, IList<object> Y) Lines(double half)
    {
        var xs = new List<object>();
        var ys = new List<object>();
        var reach = half * Math.Sqrt(2) * 1.01;

        // The bar edges |u| = w and |v| = w of the unrotated plane: straight, so a run keeps only its ends.
        foreach (var c in new[] { XHalfWidth, -XHalfWidth })
        {
            Trace(t => (c, t), (1, 0), -reach, reach, straight: true);
            Trace(t => (t, c), (0, 1), -reach, reach, straight: true);
        }

        // The circle r = radius.
        Trace(t => (Radius * Math.Cos(t), Radius * Math.Sin(t)), null, 0, 2 * Math.PI, straight: false);
        return (xs, ys);

        void Trace(Func<double, (double U, double V)> curve, (double U, double V)? normal, double from, double to, bool straight)
        {
            var step = (to - from) / StepsPerCurve;
            var runStart = IsBoundary(curve, normal, half, from) ? from : (double?)null;
            for (var i = 1; i <= StepsPerCurve; i++)
            {
                var (t0, t1) = (from + ((i - 1) * step), from + (i * step));
                var on = IsBoundary(curve, normal, half, t1);
                if (runStart is null && on)
                {
                    runStart = Transition(curve, normal, half, t0, t1);
                }
                else if (runStart is { } start && !on)
                {
                    AddRun(curve, start, Transition(curve, normal, half, t0, t1), step, straight);
                    runStart = null;
                }
            }

            if (runStart is { } last)
            {
                AddRun(curve, last, to, step, straight);
            }
        }

        void AddRun(Func<double, (double U, double V)> curve, double start, double end, double step, bool straight)
        {
            Add(curve(start));
            if (!straight)
            {
                for (var t = (Math.Floor(start / step) + 1) * step; t < end; t += step)
                {
                    Add(curve(t));
                }
            }

            Add(curve(end));
            xs.Add(ChartLayouts.Gap);
            ys.Add(ChartLayouts.Gap);
        }

        void Add((double U, double V) point)
        {
            var (x, y) = XoGeometry.Rotate(point.U, point.V);
            xs.Add(Math.Round(x, 4));
            ys.Add(Math.Round(y, 4));
        }
    }

    /// <summary>Where between <paramref name="t0"/> and <paramref name="t1"/> (one boundary, one not) the curve changes.</summary>
    private double Transition(Func<double, (double U, double V)> curve, (double U, double V)? normal, double half, double t0, double t1)
    {
        var inside0 = IsBoundary(curve, normal, half, t0);
        for (var i = 0; i < Bisections; i++)
        {
            var mid = (t0 + t1) / 2;
            if (IsBoundary(curve, normal, half, mid) == inside0)
            {
                t0 = mid;
            }
            else
            {
                t1 = mid;
            }
        }

        // The point on the boundary side of the transition.
        return inside0 ? t0 : t1;
    }

    /// <summary>True when the curve's point at <paramref name="t"/> is in the square and the class differs on its two sides.</summary>
    private bool IsBoundary(Func<double, (double U, double V)> curve, (double U, double V)? normal, double half, double t)
    {
        var (u, v) = curve(t);
        var (x, y) = XoGeometry.Rotate(u, v);
        if (Math.Abs(x) > half + 1e-9 || Math.Abs(y) > half + 1e-9)
        {
            return false;
        }

        // A straight edge's normal is fixed; the circle's is radial.
        var (nu, nv) = normal ?? (u / Radius, v / Radius);
        return Geometry.ClassOfUnrotated(u + (Side * nu), v + (Side * nv)) != Geometry.ClassOfUnrotated(u - (Side * nu), v - (Side * nv));
    }
}
