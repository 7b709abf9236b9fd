using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace OneOff.Jobs.Training;

/// <summary>
/// The few element-wise functions the MLP kernel needs, for one precision. Implemented by value types so
/// generic kernel code is specialised and inlined by the JIT (no virtual calls in the hot loop).
/// </summary>
internal interface IVectorMath<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>a·b + c, fused.</summary>
    static abstract Vector512<T> Fma(Vector512<T> a, Vector512<T> b, Vector512<T> c);

    /// <summary>e^x (inputs beyond the format's range are clamped).</summary>
    static abstract Vector512<T> Exp(Vector512<T> x);

    /// <summary>1 / (1 + e^−z).</summary>
    static abstract Vector512<T> Sigmoid(Vector512<T> z);

    /// <summary>Natural logarithm of positive finite values.</summary>
    static abstract Vector512<T> Log(Vector512<T> x);

    /// <summary>a·(1 − a), the sigmoid's derivative from its value, in one fused operation where the hardware has it.</summary>
    static abstract Vector512<T> OneMinusTimes(Vector512<T> a);
}

/// <summary>float32: a Cephes-style exp (relative error ~1e-7) and a reciprocal estimate refined by one Newton step.</summary>
internal readonly struct SingleMath : IVectorMath<float>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        if (Avx512F.IsSupported)
        {
            // k = round(x / ln 2), r = x − k ln 2, e^x = 2^k · e^r; vscalefps applies 2^k with correct overflow to ∞ and underflow to 0.
            var k = Avx512F.RoundScale(x * Vector512.Create(1.44269504088896341f), 0);
            return Avx512F.Scale(Polynomial(Reduce(x, k)), k);
        }

        x = Vector512.Min(Vector512.Max(x, Vector512.Create(-87.0f)), Vector512.Create(88.0f));
        var kk = Vector512.Round(x * Vector512.Create(1.44269504088896341f));
        var scale = Vector512.ShiftLeft(Vector512.ConvertToInt32(kk) + Vector512.Create(127), 23).AsSingle();
        return Polynomial(Reduce(x, kk)) * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> z)
    {
        if (Avx512F.IsSupported)
        {
            // e^−z = 2^t with t = −z·log2(e), split as 2^k · 2^f (k = round(t), |f| ≤ ½); t is capped at 126 so that
            // 1 + e^−z stays finite for the Newton step (σ(−87) ≈ 1.6e-38 ≈ 0 in float).
            var t = Avx512F.Min(z * Vector512.Create(-1.44269504088896341f), Vector512.Create(126.0f));
            var k = Avx512F.RoundScale(t, 0);
            var f = t - k;
            var p = Vector512.Create(1.535336188319500E-4f);
            p = Avx512F.FusedMultiplyAdd(p, f, Vector512.Create(1.339887440266574E-3f));
            p = Avx512F.FusedMultiplyAdd(p, f, Vector512.Create(9.618437357674640E-3f));
            p = Avx512F.FusedMultiplyAdd(p, f, Vector512.Create(5.550332471162809E-2f));
            p = Avx512F.FusedMultiplyAdd(p, f, Vector512.Create(2.402264791363012E-1f));
            p = Avx512F.FusedMultiplyAdd(p, f, Vector512.Create(6.931472028550421E-1f));
            p = Avx512F.FusedMultiplyAdd(p, f, Vector512<float>.One);
            var d = Avx512F.Scale(p, k) + Vector512<float>.One;
            var r = Avx512F.Reciprocal14(d);
            return r * Avx512F.FusedMultiplyAddNegated(d, r, Vector512.Create(2.0f));
        }

        return Vector512<float>.One / (Exp(-z) + Vector512<float>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> OneMinusTimes(Vector512<float> a) =>
        Avx512F.IsSupported ? Avx512F.FusedMultiplyAddNegated(a, a, a) : a - a * a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Reduce(Vector512<float> x, Vector512<float> k)
    {
        var r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-0.693359375f), x);
        return Vector512.FusedMultiplyAdd(k, Vector512.Create(2.12194440e-4f), r);
    }

    /// <summary>e^r for |r| ≤ ln2 / 2 (Cephes expf coefficients).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Polynomial(Vector512<float> r)
    {
        var p = Vector512.Create(1.9875691500E-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507E-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073E-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894E-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459E-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201E-1f));
        return Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Log(Vector512<float> x) => Vector512.Log(x);
}

/// <summary>float64: exp by range reduction and a degree-12 Taylor polynomial (relative error ~1e-16).</summary>
internal readonly struct DoubleMath : IVectorMath<double>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Fma(Vector512<double> a, Vector512<double> b, Vector512<double> c) =>
        Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Exp(Vector512<double> x)
    {
        if (Avx512F.IsSupported)
        {
            var k = Avx512F.RoundScale(x * Vector512.Create(1.4426950408889634074), 0);
            return Avx512F.Scale(Polynomial(Reduce(x, k)), k);
        }

        x = Vector512.Min(Vector512.Max(x, Vector512.Create(-708.0)), Vector512.Create(709.0));
        var kk = Vector512.Round(x * Vector512.Create(1.4426950408889634074));
        var scale = Vector512.ShiftLeft(Vector512.ConvertToInt64(kk) + Vector512.Create(1023L), 52).AsDouble();
        return Polynomial(Reduce(x, kk)) * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Reduce(Vector512<double> x, Vector512<double> k)
    {
        var r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-6.93147180369123816490e-01), x);
        return Vector512.FusedMultiplyAdd(k, Vector512.Create(-1.90821492927058770002e-10), r);
    }

    /// <summary>e^r for |r| ≤ ln2 / 2: Taylor series to degree 12.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Polynomial(Vector512<double> r)
    {
        var p = Vector512.Create(1.0 / 479001600);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 39916800));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 3628800));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 362880));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 40320));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 5040));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 720));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 120));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 24));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 6));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(0.5));
        return Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<double>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sigmoid(Vector512<double> z) => Vector512<double>.One / (Exp(-z) + Vector512<double>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Log(Vector512<double> x) => Vector512.Log(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> OneMinusTimes(Vector512<double> a) =>
        Avx512F.IsSupported ? Avx512F.FusedMultiplyAddNegated(a, a, a) : a - a * a;
}
