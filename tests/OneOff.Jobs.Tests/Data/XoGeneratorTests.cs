using OneOff.Core.Runs;
using OneOff.Jobs.Data;

namespace OneOff.Jobs.Tests.Data;

public sealed class XoGeneratorTests
{
    [Fact]
    public void Generate_LargeSet_ClassFractionsMatchTheGeometryAreas()
    {
        var p = new RunParameters();
        const int n = 400_000;

        var data = XoGenerator.Generate(p, n, stream: 5);

        var (x, o, b) = ExpectedFractions(p.BoxHalfWidth, p.XHalfWidth, p.Radius);
        var tolerance = 4 * Math.Sqrt(0.25 / n);
        Assert.Equal(x, Fraction(data, XoClass.X), tolerance);
        Assert.Equal(o, Fraction(data, XoClass.O), tolerance);
        Assert.Equal(b, Fraction(data, XoClass.B), tolerance);
    }

    [Fact]
    public void Generate_SameParameters_IdenticalData()
    {
        var p = new RunParameters { TrainSize = 2000, TestSize = 500 };

        var first = XoGenerator.Train(p);
        var second = XoGenerator.Train(p);

        Assert.Equal(first.X, second.X);
        Assert.Equal(first.Y, second.Y);
        Assert.Equal(first.X0, second.X0);
        Assert.Equal(first.RanNum, second.RanNum);
        Assert.Equal(first.Classes, second.Classes);
    }

    [Fact]
    public void Generate_OtherSeedOrStream_DifferentData()
    {
        var p = new RunParameters { TrainSize = 500, TestSize = 500 };

        var train = XoGenerator.Train(p);
        var test = XoGenerator.Test(p);
        var reseeded = XoGenerator.Train(p with { DataSeed = 14 });

        Assert.NotEqual(train.X, test.X);
        Assert.NotEqual(train.X, reseeded.X);
    }

    [Fact]
    public void Generate_JitterIsGaussianWithTheRequestedSigma()
    {
        var p = new RunParameters { Jitter = 0.7 };

        var data = XoGenerator.Generate(p, 100_000, stream: 3);

        var dx = data.X.Zip(data.X0, (a, b) => a - b).ToArray();
        var mean = dx.Average();
        var sd = Math.Sqrt(dx.Sum(d => (d - mean) * (d - mean)) / dx.Length);
        Assert.Equal(0, mean, 0.01);
        Assert.Equal(0.7, sd, 0.01);
        Assert.All(data.RanNum, r => Assert.InRange(r, 0, 1 - double.Epsilon));
    }

    [Fact]
    public void Generate_NoJitter_PointsSitOnTheirNoiselessPositionsAndClasses()
    {
        var p = new RunParameters { Jitter = 0 };
        var geometry = new XoGeometry(p.XHalfWidth, p.Radius);

        var data = XoGenerator.Generate(p, 5000, stream: 4);

        Assert.Equal(data.X0, data.X);
        for (var i = 0; i < data.Count; i++)
        {
            Assert.Equal(data.Classes[i], geometry.ClassAt(data.X0[i], data.Y0[i]));
        }
    }

    [Theory]
    [InlineData(3.0, 0.0, XoClass.X)]
    [InlineData(6.9, 0.2, XoClass.X)]
    [InlineData(0.2, 0.2, XoClass.X)]
    [InlineData(1.5, 1.5, XoClass.O)]
    [InlineData(-2.0, 2.5, XoClass.O)]
    [InlineData(3.0, 3.0, XoClass.B)]
    [InlineData(6.0, -6.0, XoClass.B)]
    public void ClassOfUnrotated_FollowsTheOriginalRules(double u, double v, XoClass expected)
    {
        Assert.Equal(expected, new XoGeometry(0.5, 3.5).ClassOfUnrotated(u, v));
    }

    [Fact]
    public void ClassAt_RotatesTheXOntoTheDiagonals()
    {
        var geometry = new XoGeometry(0.5, 3.5);

        Assert.Equal(XoClass.X, geometry.ClassAt(3, 3));
        Assert.Equal(XoClass.X, geometry.ClassAt(-4, 4));
        Assert.Equal(XoClass.O, geometry.ClassAt(0, 2));
        Assert.Equal(XoClass.B, geometry.ClassAt(0, 4.9));
    }

    private static double Fraction(XoDataset data, XoClass c) => (double)data.Classes.Count(k => k == c) / data.Count;

    private static (double X, double O, double B) ExpectedFractions(double box, double w, double r)
    {
        var total = 4 * box * box;
        var cross = 8 * box * w - 4 * w * w;
        var strip = 2 * (w * Math.Sqrt(r * r - w * w) + r * r * Math.Asin(w / r));
        var diskInCross = 2 * strip - 4 * w * w;
        var o = Math.PI * r * r - diskInCross;
        return (cross / total, o / total, (total - cross - o) / total);
    }
}
