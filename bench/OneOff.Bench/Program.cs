using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Text;
using OneOff.Core.Runs;
using OneOff.Jobs.Training;
using OneOff.Jobs.Data;

// Helpers for bench/xo-sweep.sh (not tests):
//   export DIR   writes the default study's train/test data as CSV for the scikit-learn peer
//   floor        counts the arithmetic of the default sweep (evaluations actually performed) and measures this
//                machine's FMA and exp rates on both cores, giving the sweep's arithmetic floor in seconds
var command = args.Length > 0 ? args[0] : "";
var p = new RunParameters();
switch (command)
{
    case "export" when args.Length == 2:
        Directory.CreateDirectory(args[1]);
        WriteCsv(Path.Combine(args[1], "train.csv"), XoGenerator.Train(p));
        WriteCsv(Path.Combine(args[1], "test.csv"), XoGenerator.Test(p));
        return 0;
    case "floor":
        return Floor(p);
    default:
        Console.Error.WriteLine("usage: OneOff.Bench export DIR | floor");
        return 2;
}

static void WriteCsv(string path, XoDataset data)
{
    var text = new StringBuilder("x,y,label\n");
    for (var i = 0; i < data.Count; i++)
    {
        text.Append(CultureInfo.InvariantCulture, $"{data.X[i]:R},{data.Y[i]:R},{(int)data.Classes[i]}\n");
    }

    File.WriteAllText(path, text.ToString());
}

static int Floor(RunParameters p)
{
    var train = XoGenerator.Train(p);
    var n = (double)train.Count;
    var fmas = 0.0;
    var exps = 0.0;
    foreach (var h in p.HiddenSizes)
    {
        var counter = new CountingObjective(MlpObjectives.Create(Precision.Single, LaneWidth.Auto, train.X, train.Y, train.Classes, h));
        var layout = new MlpLayout(h);
        var theta = layout.Initialise(p.ModelSeed);
        new Lbfgs(layout.Dimension).Minimize(counter, theta, p.MaxIter, p.Tol, null, CancellationToken.None);
        // Per sample and hidden unit: forward 2 (z) + 3 (logits); backward 3 (W2 grad) + 3 (back-propagated delta)
        // + 1 (σ') + 3 (W1, b1 grads) = 15 multiply-adds, and 1 exp. Softmax: 3 exps per sample.
        fmas += counter.Evaluations * n * h * 15;
        exps += counter.Evaluations * n * (h + 3);
        Console.WriteLine($"N={h} evaluations={counter.Evaluations}");
    }

    var cores = Environment.ProcessorCount;
    var fmaRate = Rate(cores, FmaKernel) * Vector512<float>.Count;
    var expRate = Rate(cores, ExpKernel) * Vector512<float>.Count;
    var floor = fmas / fmaRate + exps / expRate;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"multiply-adds {fmas / 1e9:F2} G at {fmaRate / 1e9:F1} G/s, exps {exps / 1e9:F2} G at {expRate / 1e9:F1} G/s ({cores} cores): floor {floor:F3} s"));
    return 0;
}

// Vector operations per second on all cores for a kernel that performs `ops` vector operations per call.
static double Rate(int cores, Func<long, float> kernel)
{
    const long Ops = 200_000_000;
    kernel(1_000_000);
    var sw = Stopwatch.StartNew();
    Parallel.For(0, cores, _ => kernel(Ops));
    return cores * Ops / sw.Elapsed.TotalSeconds;
}

// Eight independent FMA chains (enough to cover the latency), 8 FMAs per loop turn.
static float FmaKernel(long ops)
{
    var a = Vector512.Create(0.999f);
    var b = Vector512.Create(0.001f);
    Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
    for (long i = 0; i < ops; i += 8)
    {
        c0 = Vector512.FusedMultiplyAdd(c0, a, b);
        c1 = Vector512.FusedMultiplyAdd(c1, a, b);
        c2 = Vector512.FusedMultiplyAdd(c2, a, b);
        c3 = Vector512.FusedMultiplyAdd(c3, a, b);
        c4 = Vector512.FusedMultiplyAdd(c4, a, b);
        c5 = Vector512.FusedMultiplyAdd(c5, a, b);
        c6 = Vector512.FusedMultiplyAdd(c6, a, b);
        c7 = Vector512.FusedMultiplyAdd(c7, a, b);
    }

    return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7);
}

// The kernel's own exp, four independent streams.
static float ExpKernel(long ops)
{
    var x0 = Vector512.Create(-0.5f);
    var x1 = Vector512.Create(-0.25f);
    var x2 = Vector512.Create(0.25f);
    var x3 = Vector512.Create(0.5f);
    var acc = Vector512<float>.Zero;
    var step = Vector512.Create(1e-9f);
    for (long i = 0; i < ops; i += 4)
    {
        acc += F32x16.Exp(x0) + F32x16.Exp(x1) + F32x16.Exp(x2) + F32x16.Exp(x3);
        x0 += step;
        x1 += step;
        x2 += step;
        x3 += step;
    }

    return Vector512.Sum(acc);
}

internal sealed class CountingObjective(IObjective inner) : IObjective
{
    public int Evaluations { get; private set; }

    public int Dimension => inner.Dimension;

    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        Evaluations++;
        return inner.Evaluate(theta, gradient);
    }
}
