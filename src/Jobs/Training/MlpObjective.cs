using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using OneOff.Core.Runs;

namespace OneOff.Jobs.Training;

/// <summary>The loss and gradient of a model over its training data: what L-BFGS minimises.</summary>
internal interface IObjective
{
    /// <summary>Length of θ.</summary>
    int Dimension { get; }

    /// <summary>Writes ∇f(θ) into <paramref name="gradient"/> and returns f(θ).</summary>
    double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient);
}

/// <summary>An MLP's training objective that can also predict.</summary>
internal interface IMlpObjective : IObjective
{
    /// <summary>Class probabilities of every point (x[i], y[i]) under θ.</summary>
    void Predict(ReadOnlySpan<double> theta, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> pX, Span<double> pO, Span<double> pB);
}

/// <summary>The vector width of the kernel.</summary>
public enum LaneWidth
{
    /// <summary>The widest the CPU accelerates: Vector512 on x64 with AVX2 or AVX-512, Vector128 otherwise (arm64).</summary>
    Auto,

    /// <summary>Vector512 (16 floats).</summary>
    Wide,

    /// <summary>Vector128 (4 floats).</summary>
    Narrow,
}

/// <summary>Creates the kernel for a precision and vector width.</summary>
internal static class MlpObjectives
{
    /// <summary>True when Vector512 code runs at hardware speed here (AVX-512, or the JIT splitting it into two AVX2 halves).</summary>
    /// <remarks>
    /// Always jitted: ReadyToRun code is compiled for a baseline x64 and would answer for that baseline, not this
    /// CPU (a ReadyToRun build picked the narrow lanes and ran the sweep at half speed).
    /// </remarks>
    public static bool WideIsAccelerated
    {
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        get => Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static IMlpObjective Create(Precision precision, LaneWidth width, ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<XoClass> classes, int hidden)
    {
        var wide = width == LaneWidth.Wide || (width == LaneWidth.Auto && WideIsAccelerated);
        return (precision, wide) switch
        {
            (Precision.Single, true) => new MlpObjective<Vector512<float>, float, F32x16>(x, y, classes, hidden),
            (Precision.Double, true) => new MlpObjective<Vector512<double>, double, F64x8>(x, y, classes, hidden),
            (Precision.Single, false) => new MlpObjective<Vector128<float>, float, F32x4>(x, y, classes, hidden),
            _ => new MlpObjective<Vector128<double>, double, F64x2>(x, y, classes, hidden),
        };
    }
}

/// <summary>
/// Mean cross-entropy of a 2 → H (sigmoid) → 3 (softmax) MLP and its gradient, fused over tiles of 64 samples and
/// vectorised across samples. Per tile: a forward pass keeps the hidden activations (H × 64 values, in L2), the
/// softmax yields the output deltas, and a backward pass accumulates the gradient in vector registers, flushed to
/// float64 every few tiles. No allocation per evaluation.
/// </summary>
/// <typeparam name="TVec">The SIMD vector type.</typeparam>
/// <typeparam name="T">float (production: ~2× faster) or double (reference precision).</typeparam>
/// <typeparam name="TL">The lane operations for <typeparamref name="TVec"/> of <typeparamref name="T"/>.</typeparam>
internal sealed class MlpObjective<TVec, T, TL> : IMlpObjective
    where TVec : unmanaged
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TL : struct, ILanes<TVec, T>
{
    private const int TileSamples = 64;
    private const int FlushEveryTiles = 8;
    private const int WeightStride = 8;
    private static readonly int s_perTile = TileSamples / TL.Count;

    private readonly MlpLayout _layout;
    private readonly int _hidden;
    private readonly int _count;
    private readonly TVec[] _x;
    private readonly TVec[] _y;
    private readonly TVec[] _t0;
    private readonly TVec[] _t1;
    private readonly TVec[] _t2;
    private readonly TVec[] _mask;
    private readonly TVec[] _activations;
    private readonly TVec[] _delta;
    private readonly TVec[] _gradientTile;
    private readonly double[] _gradientSum;
    private readonly T[] _weights;

    public MlpObjective(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<XoClass> classes, int hidden)
    {
        if (x.Length != y.Length || x.Length != classes.Length || x.Length == 0)
        {
            throw new ArgumentException("x, y and classes must have the same, non-zero length.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        _layout = new MlpLayout(hidden);
        _hidden = hidden;
        _count = x.Length;
        var tiles = (_count + TileSamples - 1) / TileSamples;
        var vectors = tiles * s_perTile;
        _x = Pack(x, vectors);
        _y = Pack(y, vectors);
        _t0 = OneHot(classes, XoClass.X, vectors);
        _t1 = OneHot(classes, XoClass.O, vectors);
        _t2 = OneHot(classes, XoClass.B, vectors);
        _mask = new TVec[vectors];
        MemoryMarshal.Cast<TVec, T>(_mask.AsSpan())[.._count].Fill(T.One);
        _activations = new TVec[s_perTile * hidden];
        _delta = new TVec[3 * s_perTile];
        _gradientTile = new TVec[6 * hidden + 3];
        _gradientSum = new double[_layout.Dimension];
        _weights = new T[WeightStride * hidden + WeightStride];
    }

    public int Dimension => _layout.Dimension;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        if (theta.Length != Dimension || gradient.Length != Dimension)
        {
            throw new ArgumentException($"θ and its gradient must have length {Dimension}.");
        }

        LoadWeights(theta);
        Array.Clear(_gradientTile);
        Array.Clear(_gradientSum);
        var invN = TL.Create(T.CreateTruncating(1.0 / _count));
        var loss = 0.0;
        var tiles = _x.Length / s_perTile;
        for (var tile = 0; tile < tiles; tile++)
        {
            loss += ForwardTile(tile * s_perTile, invN);
            BackwardTile(tile * s_perTile);
            if (tile % FlushEveryTiles == FlushEveryTiles - 1 || tile == tiles - 1)
            {
                FlushGradient();
            }
        }

        Unpack(gradient);
        return loss / _count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Predict(ReadOnlySpan<double> theta, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> pX, Span<double> pO, Span<double> pB)
    {
        if (theta.Length != Dimension)
        {
            throw new ArgumentException($"θ must have length {Dimension}.", nameof(theta));
        }

        LoadWeights(theta);
        var lanes = TL.Count;
        var vectors = (x.Length + lanes - 1) / lanes;
        var xs = Pack(x, vectors);
        var ys = Pack(y, vectors);
        var p = new TVec[3];
        var flat = MemoryMarshal.Cast<TVec, T>(p.AsSpan());
        for (var j = 0; j < vectors; j++)
        {
            var (o0, o1, o2) = Hidden(xs[j], ys[j], 0);
            var (e0, e1, e2, sum, _) = Softmax(o0, o1, o2);
            var inv = TL.Reciprocal(sum);
            p[0] = TL.Multiply(e0, inv);
            p[1] = TL.Multiply(e1, inv);
            p[2] = TL.Multiply(e2, inv);
            for (var l = 0; l < lanes && j * lanes + l < x.Length; l++)
            {
                var i = j * lanes + l;
                pX[i] = double.CreateTruncating(flat[l]);
                pO[i] = double.CreateTruncating(flat[lanes + l]);
                pB[i] = double.CreateTruncating(flat[2 * lanes + l]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private double ForwardTile(int first, TVec invN)
    {
        var lossTile = TL.Zero;
        var gb0 = TL.Zero;
        var gb1 = TL.Zero;
        var gb2 = TL.Zero;
        for (var j = 0; j < s_perTile; j++)
        {
            var (o0, o1, o2) = Hidden(_x[first + j], _y[first + j], j);
            var (e0, e1, e2, sum, max) = Softmax(o0, o1, o2);
            var inv = TL.Reciprocal(sum);
            var mask = _mask[first + j];
            var t0 = _t0[first + j];
            var t1 = _t1[first + j];
            var t2 = _t2[first + j];
            var scale = TL.Multiply(mask, invN);
            var d0 = TL.Multiply(TL.Subtract(TL.Multiply(e0, inv), t0), scale);
            var d1 = TL.Multiply(TL.Subtract(TL.Multiply(e1, inv), t1), scale);
            var d2 = TL.Multiply(TL.Subtract(TL.Multiply(e2, inv), t2), scale);
            _delta[j] = d0;
            _delta[s_perTile + j] = d1;
            _delta[2 * s_perTile + j] = d2;
            gb0 = TL.Add(gb0, d0);
            gb1 = TL.Add(gb1, d1);
            gb2 = TL.Add(gb2, d2);

            // −log p_y = log Σ e^(o − max) + max − o_y
            var target = TL.Fma(t0, o0, TL.Fma(t1, o1, TL.Multiply(t2, o2)));
            lossTile = TL.Fma(mask, TL.Subtract(TL.Add(TL.Log(sum), max), target), lossTile);
        }

        var b2 = 6 * _hidden;
        _gradientTile[b2] = TL.Add(_gradientTile[b2], gb0);
        _gradientTile[b2 + 1] = TL.Add(_gradientTile[b2 + 1], gb1);
        _gradientTile[b2 + 2] = TL.Add(_gradientTile[b2 + 2], gb2);
        return double.CreateTruncating(TL.Sum(lossTile));
    }

    /// <summary>
    /// Hidden activations of one vector of samples, stored as column <paramref name="column"/> of the tile's
    /// activations (unit h at [h · perTile + column]), and the output logits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (TVec O0, TVec O1, TVec O2) Hidden(TVec x, TVec y, int column)
    {
        ref var w = ref MemoryMarshal.GetArrayDataReference(_weights);
        ref var aRef = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_activations), column);
        var stride = s_perTile;
        var o0 = TL.Zero;
        var o1 = TL.Zero;
        var o2 = TL.Zero;
        for (var h = 0; h < _hidden; h++)
        {
            ref var wh = ref Unsafe.Add(ref w, h * WeightStride);
            var z = TL.Fma(TL.Create(wh), x, TL.Fma(TL.Create(Unsafe.Add(ref wh, 1)), y, TL.Create(Unsafe.Add(ref wh, 2))));
            var act = TL.Sigmoid(z);
            Unsafe.Add(ref aRef, h * stride) = act;
            o0 = TL.Fma(TL.Create(Unsafe.Add(ref wh, 3)), act, o0);
            o1 = TL.Fma(TL.Create(Unsafe.Add(ref wh, 4)), act, o1);
            o2 = TL.Fma(TL.Create(Unsafe.Add(ref wh, 5)), act, o2);
        }

        ref var b2 = ref Unsafe.Add(ref w, _hidden * WeightStride);
        return (TL.Add(o0, TL.Create(b2)), TL.Add(o1, TL.Create(Unsafe.Add(ref b2, 1))), TL.Add(o2, TL.Create(Unsafe.Add(ref b2, 2))));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVec E0, TVec E1, TVec E2, TVec Sum, TVec Max) Softmax(TVec o0, TVec o1, TVec o2)
    {
        var max = TL.Max(o0, TL.Max(o1, o2));
        var e0 = TL.Exp(TL.Subtract(o0, max));
        var e1 = TL.Exp(TL.Subtract(o1, max));
        var e2 = TL.Exp(TL.Subtract(o2, max));
        return (e0, e1, e2, TL.Add(TL.Add(e0, e1), e2), max);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private void BackwardTile(int first)
    {
        var perTile = s_perTile;
        ref var w = ref MemoryMarshal.GetArrayDataReference(_weights);
        ref var a = ref MemoryMarshal.GetArrayDataReference(_activations);
        ref var d = ref MemoryMarshal.GetArrayDataReference(_delta);
        ref var xs = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_x), first);
        ref var ys = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_y), first);
        ref var g = ref MemoryMarshal.GetArrayDataReference(_gradientTile);
        for (var h = 0; h < _hidden; h++)
        {
            ref var wh = ref Unsafe.Add(ref w, h * WeightStride);
            var v0 = TL.Create(Unsafe.Add(ref wh, 3));
            var v1 = TL.Create(Unsafe.Add(ref wh, 4));
            var v2 = TL.Create(Unsafe.Add(ref wh, 5));
            var g0 = TL.Zero;
            var g1 = TL.Zero;
            var g2 = TL.Zero;
            var gx = TL.Zero;
            var gy = TL.Zero;
            var gb = TL.Zero;
            ref var ah = ref Unsafe.Add(ref a, h * perTile);
            for (var j = 0; j < perTile; j++)
            {
                var act = Unsafe.Add(ref ah, j);
                var d0 = Unsafe.Add(ref d, j);
                var d1 = Unsafe.Add(ref d, perTile + j);
                var d2 = Unsafe.Add(ref d, 2 * perTile + j);
                g0 = TL.Fma(d0, act, g0);
                g1 = TL.Fma(d1, act, g1);
                g2 = TL.Fma(d2, act, g2);
                var e = TL.Multiply(TL.Fma(v0, d0, TL.Fma(v1, d1, TL.Multiply(v2, d2))), TL.OneMinusTimes(act));
                gx = TL.Fma(e, Unsafe.Add(ref xs, j), gx);
                gy = TL.Fma(e, Unsafe.Add(ref ys, j), gy);
                gb = TL.Add(gb, e);
            }

            ref var gh = ref Unsafe.Add(ref g, 6 * h);
            gh = TL.Add(gh, gx);
            Unsafe.Add(ref gh, 1) = TL.Add(Unsafe.Add(ref gh, 1), gy);
            Unsafe.Add(ref gh, 2) = TL.Add(Unsafe.Add(ref gh, 2), gb);
            Unsafe.Add(ref gh, 3) = TL.Add(Unsafe.Add(ref gh, 3), g0);
            Unsafe.Add(ref gh, 4) = TL.Add(Unsafe.Add(ref gh, 4), g1);
            Unsafe.Add(ref gh, 5) = TL.Add(Unsafe.Add(ref gh, 5), g2);
        }
    }

    private void FlushGradient()
    {
        for (var i = 0; i < _gradientTile.Length; i++)
        {
            _gradientSum[i] += double.CreateTruncating(TL.Sum(_gradientTile[i]));
            _gradientTile[i] = TL.Zero;
        }
    }

    private void LoadWeights(ReadOnlySpan<double> theta)
    {
        for (var h = 0; h < _hidden; h++)
        {
            var wh = h * WeightStride;
            _weights[wh] = T.CreateTruncating(theta[_layout.W1(h, 0)]);
            _weights[wh + 1] = T.CreateTruncating(theta[_layout.W1(h, 1)]);
            _weights[wh + 2] = T.CreateTruncating(theta[_layout.B1(h)]);
            _weights[wh + 3] = T.CreateTruncating(theta[_layout.W2(0, h)]);
            _weights[wh + 4] = T.CreateTruncating(theta[_layout.W2(1, h)]);
            _weights[wh + 5] = T.CreateTruncating(theta[_layout.W2(2, h)]);
        }

        var b2 = _hidden * WeightStride;
        for (var k = 0; k < MlpLayout.Outputs; k++)
        {
            _weights[b2 + k] = T.CreateTruncating(theta[_layout.B2(k)]);
        }
    }

    private void Unpack(Span<double> gradient)
    {
        for (var h = 0; h < _hidden; h++)
        {
            gradient[_layout.W1(h, 0)] = _gradientSum[6 * h];
            gradient[_layout.W1(h, 1)] = _gradientSum[6 * h + 1];
            gradient[_layout.B1(h)] = _gradientSum[6 * h + 2];
            gradient[_layout.W2(0, h)] = _gradientSum[6 * h + 3];
            gradient[_layout.W2(1, h)] = _gradientSum[6 * h + 4];
            gradient[_layout.W2(2, h)] = _gradientSum[6 * h + 5];
        }

        for (var k = 0; k < MlpLayout.Outputs; k++)
        {
            gradient[_layout.B2(k)] = _gradientSum[6 * _hidden + k];
        }
    }

    private static TVec[] Pack(ReadOnlySpan<double> values, int vectors)
    {
        var packed = new TVec[vectors];
        var flat = MemoryMarshal.Cast<TVec, T>(packed.AsSpan());
        for (var i = 0; i < values.Length; i++)
        {
            flat[i] = T.CreateTruncating(values[i]);
        }

        return packed;
    }

    private static TVec[] OneHot(ReadOnlySpan<XoClass> classes, XoClass which, int vectors)
    {
        var packed = new TVec[vectors];
        var flat = MemoryMarshal.Cast<TVec, T>(packed.AsSpan());
        for (var i = 0; i < classes.Length; i++)
        {
            flat[i] = classes[i] == which ? T.One : T.Zero;
        }

        return packed;
    }
}
