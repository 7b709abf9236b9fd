using OneOff.Dashboard.Components.Controls.Charts;

namespace OneOff.Dashboard.Tests.Components.Controls.Charts;

public sealed class TrueBoundaryTests
{
    [Fact]
    public void Lines_DefaultGeometry_AreTheCircleArcsAndTheBarEdgesOnly()
    {
        var boundary = TrueBoundary.Default;
        var edge = boundary.XHalfWidth * Math.Sqrt(2);

        var points = Points(boundary.Lines(5.05));

        Assert.NotEmpty(points);
        Assert.All(points, p =>
        {
            var onCircle = Math.Abs(Math.Sqrt((p.X * p.X) + (p.Y * p.Y)) - boundary.Radius) < 1e-3;
            var onEdge = Math.Abs(Math.Abs(p.Y - p.X) - edge) < 1e-3 || Math.Abs(Math.Abs(p.Y + p.X) - edge) < 1e-3;
            Assert.True(onCircle || onEdge, $"({p.X}, {p.Y}) is on neither the circle nor a bar edge");
            if (onCircle && !onEdge)
            {
                // Unrotated, an arc point lies outside both bars (inside a bar the X wins: no boundary there).
                var (u, v) = ((p.X + p.Y) / Math.Sqrt(2), (p.Y - p.X) / Math.Sqrt(2));
                Assert.True(Math.Abs(u) >= boundary.XHalfWidth - 1e-3 && Math.Abs(v) >= boundary.XHalfWidth - 1e-3);
            }
        });
        Assert.True(points.Count(p => Math.Abs(Math.Sqrt((p.X * p.X) + (p.Y * p.Y)) - boundary.Radius) < 1e-3) > 4 * 20, "the four arcs are drawn");
    }

    [Fact]
    public void Lines_EveryPoint_SeparatesTwoClassesOfTheGeometry()
    {
        var boundary = new TrueBoundary(3, 0.75);

        var points = Points(boundary.Lines(5));

        Assert.All(points, p =>
        {
            var classes = Enumerable.Range(0, 16)
                .Select(k => boundary.Geometry.ClassAt(p.X + (1e-3 * Math.Cos(k * Math.PI / 8)), p.Y + (1e-3 * Math.Sin(k * Math.PI / 8))))
                .Distinct();
            Assert.True(classes.Count() > 1, $"({p.X}, {p.Y}) has one class all around it");
        });
    }

    [Fact]
    public void Lines_BarEdges_AreClippedToTheSquare()
    {
        var (x, y) = TrueBoundary.Default.Lines(5);

        var numbers = x.Concat(y).OfType<double>().ToArray();
        Assert.All(numbers, v => Assert.InRange(v, -5, 5));
        Assert.Contains(numbers, v => Math.Abs(Math.Abs(v) - 5) < 1e-9);
        Assert.Equal(x.Count, y.Count);

        // Four bar edges, each cut where it crosses the other bar (X on both sides there), and four arcs.
        Assert.Equal(12, x.Count(v => ReferenceEquals(v, ChartLayouts.Gap)));
    }

    [Fact]
    public void Lines_RadiusWithinTheBars_HasNoArcs()
    {
        var (x, _) = new TrueBoundary(radius: 0.4, xHalfWidth: 0.5).Lines(5);

        Assert.Equal(8 * 3, x.Count);
    }

    [Fact]
    public void Of_ManifestParameters_TakesTheRunsRadiusAndHalfWidth()
    {
        var parameters = new OneOff.Core.Runs.RunParameters { Radius = 2.5, XHalfWidth = 0.75, RunId = "r" };

        var boundary = TrueBoundary.Of(OneOff.Core.Runs.ManifestParameters.From(parameters));

        Assert.Equal(new TrueBoundary(2.5, 0.75), boundary);
    }

    private static List<(double X, double Y)> Points((IList<object> X, IList<object> Y) lines) =>
        [.. lines.X.Zip(lines.Y).Where(p => p.First is double).Select(p => ((double)p.First, (double)p.Second))];
}
