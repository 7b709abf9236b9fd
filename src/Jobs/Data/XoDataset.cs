using OneOff.Core.Runs;

namespace OneOff.Jobs.Data;

/// <summary>A generated XO data set, as columns (the <c>train/</c> and <c>test/</c> tables of the contract).</summary>
public sealed class XoDataset
{
    /// <summary>Creates a data set from its columns; all must have the same length.</summary>
    public XoDataset(double[] ranNum, XoClass[] classes, double[] x0, double[] y0, double[] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var n = classes.Length;
        if (ranNum.Length != n || x0.Length != n || y0.Length != n || x.Length != n || y.Length != n)
        {
            throw new ArgumentException("Every column of a data set must have the same length.");
        }

        RanNum = ranNum;
        Classes = classes;
        X0 = x0;
        Y0 = y0;
        X = x;
        Y = y;
    }

    /// <summary>Rows.</summary>
    public int Count => Classes.Length;

    /// <summary>Uniform [0, 1): the original's spare random column.</summary>
    public double[] RanNum { get; }

    /// <summary>The true class of each point.</summary>
    public XoClass[] Classes { get; }

    /// <summary>Noiseless, rotated x.</summary>
    public double[] X0 { get; }

    /// <summary>Noiseless, rotated y.</summary>
    public double[] Y0 { get; }

    /// <summary>Jittered x: what the models train on.</summary>
    public double[] X { get; }

    /// <summary>Jittered y.</summary>
    public double[] Y { get; }
}

/// <summary>Generates the XO data of a run, reproducibly from the data seed.</summary>
public static class XoGenerator
{
    /// <summary>The training set of a run.</summary>
    public static XoDataset Train(RunParameters p) => Generate(p, p.TrainSize, stream: 1);

    /// <summary>The held-out set of a run (an independent stream of the same seed).</summary>
    public static XoDataset Test(RunParameters p) => Generate(p, p.TestSize, stream: 2);

    /// <summary>
    /// Draws <paramref name="count"/> points: (u, v) uniform in the box, labelled by the geometry, rotated by 45°,
    /// then jittered with N(0, jitter²) on each coordinate. Stream <paramref name="stream"/> of the data seed.
    /// </summary>
    public static XoDataset Generate(RunParameters p, int count, int stream)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(Seeds.Derive(p.DataSeed, stream));
        var geometry = new XoGeometry(p.XHalfWidth, p.Radius);
        var ranNum = new double[count];
        var classes = new XoClass[count];
        var x0 = new double[count];
        var y0 = new double[count];
        var x = new double[count];
        var y = new double[count];
        var box = p.BoxHalfWidth;
        for (var i = 0; i < count; i++)
        {
            var u = (2 * random.NextDouble() - 1) * box;
            var v = (2 * random.NextDouble() - 1) * box;
            ranNum[i] = random.NextDouble();
            classes[i] = geometry.ClassOfUnrotated(u, v);
            (x0[i], y0[i]) = XoGeometry.Rotate(u, v);
            var (gx, gy) = Seeds.GaussianPair(random);
            x[i] = x0[i] + p.Jitter * gx;
            y[i] = y0[i] + p.Jitter * gy;
        }

        return new XoDataset(ranNum, classes, x0, y0, x, y);
    }
}

/// <summary>Seed derivation and Gaussian draws shared by the data generator and the model initialisation.</summary>
public static class Seeds
{
    /// <summary>A non-negative 31-bit seed for stream <paramref name="stream"/> of <paramref name="seed"/> (SplitMix64 mixing).</summary>
    public static int Derive(int seed, int stream)
    {
        var z = unchecked(((ulong)(uint)seed << 32 | (uint)stream) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }

    /// <summary>Two independent standard normal draws (Box–Muller).</summary>
    public static (double A, double B) GaussianPair(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        var r = Math.Sqrt(-2.0 * Math.Log(u1));
        var (s, c) = Math.SinCos(2.0 * Math.PI * u2);
        return (r * c, r * s);
    }
}
