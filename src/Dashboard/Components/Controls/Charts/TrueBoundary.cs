using OneOff.Core.Runs;

namespace OneOff.Dashboard.Components.Controls.Charts;

/// <summary>
/// The true X/O geometry of a run, as the job labels points: O where r &lt; <see cref="Radius"/>, X where |u| or |v|
/// &lt; <see cref="XHalfWidth"/> (X wins), B elsewhere, on the unrotated (u, v); then everything is rotated by 45°.
/// In the plotted (rotated) frame the X is two bars along the diagonals and the O a disk.
/// </summary>
/// <param name="Radius">The O's radius (manifest <c>radius</c>, default 3.5).</param>
/// <param name="XHalfWidth">The X bars' half-width (manifest <c>x_half_width</c>, default 0.5).</param>
public sealed record TrueBoundary(double Radius = 3.5, double XHalfWidth = 0.5)
{
    private const int ArcPoints = 48;

    /// <summary>The geometry of the original study.</summary>
    public static TrueBoundary Default { get; } = new();

    /// <summary>The geometry a run was generated with (its manifest's parameters).</summary>
    public static TrueBoundary Of(ManifestParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new TrueBoundary(parameters.Radius, parameters.XHalfWidth);
    }

    /// <summary>
    /// The boundary lines inside the square [-<paramref name="half"/>, <paramref name="half"/>]²: the four bar edges,
    /// clipped to the square, and the four arcs of the circle between the bars (inside a bar, X wins, so the circle
    /// is no boundary there). Segments are separated by nulls, as Plotly draws gaps at null.
    /// </summary>
    public (IList<object?> X, IList<object?> Y) Lines(double half)
    {
        var xs = new List<object?>();
        var ys = new List<object?>();
        var offset = XHalfWidth * Math.Sqrt(2);

        // |v| = w, v = (y - x)/√2: the lines y = x ± w√2; |u| = w, u = (x + y)/√2: the lines y = -x ± w√2.
        foreach (var c in new[] { offset, -offset })
        {
            AddSegment(Math.Max(-half, -half - c), Math.Min(half, half - c), x => x + c);
            AddSegment(Math.Max(-half, c - half), Math.Min(half, c + half), x => c - x);
        }

        if (Radius > XHalfWidth)
        {
            // In (u, v), the arc of the quadrant k runs between the bars: from asin(w/r) to π/2 - asin(w/r).
            var gap = Math.Asin(XHalfWidth / Radius);
            for (var k = 0; k < 4; k++)
            {
                for (var i = 0; i <= ArcPoints; i++)
                {
                    var theta = (k * Math.PI / 2) + gap + ((Math.PI / 2 - (2 * gap)) * i / ArcPoints) + (Math.PI / 4);
                    var (x, y) = (Radius * Math.Cos(theta), Radius * Math.Sin(theta));
                    if (Math.Abs(x) <= half && Math.Abs(y) <= half)
                    {
                        xs.Add(Round(x));
                        ys.Add(Round(y));
                    }
                }

                xs.Add(null);
                ys.Add(null);
            }
        }

        return (xs, ys);

        void AddSegment(double from, double to, Func<double, double> line)
        {
            if (from < to)
            {
                xs.Add(Round(from));
                ys.Add(Round(line(from)));
                xs.Add(Round(to));
                ys.Add(Round(line(to)));
                xs.Add(null);
                ys.Add(null);
            }
        }
    }

    private static object Round(double value) => Math.Round(value, 4);
}
