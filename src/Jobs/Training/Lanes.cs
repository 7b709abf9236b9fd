using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace OneOff.Jobs.Training;

/// <summary>
/// One SIMD vector type and element type as the MLP kernel sees them: a handful of element-wise operations.
/// Implemented by value types so generic kernel code is specialised and inlined by the JIT (no virtual calls, no
/// wrappers in the hot loop): <see cref="F32x16"/> and <see cref="F64x8"/> (Vector512: AVX-512, or two AVX2
/// halves) for x64, <see cref="F32x4"/> and <see cref="F64x2"/> (Vector128: NEON on arm64, SSE elsewhere).
/// </summary>
internal interface ILanes<TVec, T>
    where TVec : unmanaged
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    static abstract int Count { get; }

    static abstract TVec Zero { get; }

    static abstract TVec Create(T value);

    static abstract TVec Add(TVec a, TVec b);

    static abstract TVec Subtract(TVec a, TVec b);

    static abstract TVec Multiply(TVec a, TVec b);

    static abstract TVec Max(TVec a, TVec b);

    /// <summary>a·b + c, fused.</summary>
    static abstract TVec Fma(TVec a, TVec b, TVec c);

    /// <summary>1 / x (to the element type's precision).</summary>
    static abstract TVec Reciprocal(TVec x);

    /// <summary>e^x; overflow gives +∞, underflow 0.</summary>
    static abstract TVec Exp(TVec x);

    /// <summary>1 / (1 + e^−z).</summary>
    static abstract TVec Sigmoid(TVec z);

    /// <summary>Natural logarithm of positive finite values.</summary>
    static abstract TVec Log(TVec x);

    /// <summary>a·(1 − a): the sigmoid's derivative from its value.</summary>
    static abstract TVec OneMinusTimes(TVec a);

    /// <summary>The sum of the lanes.</summary>
    static abstract T Sum(TVec v);
}

/// <summary>
/// e^x and σ(z) written once per element type over any lanes that can round and scale by powers of two:
/// e^x = 2^k · 2^f with t = x·log2(e), k = round(t), f = t − k ∈ [−½, ½], 2^f by a polynomial.
/// </summary>
internal static class LaneMath
{
    /// <summary>
    /// 2^f for |f| ≤ ½ in float: a degree-5 polynomial fitted for relative error (7.7e-8 in exact arithmetic,
    /// 2.2e-7 evaluated in float — as good as float allows; a sixth degree would add work and no accuracy).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Exp2Fraction<TVec, TL>(TVec f)
        where TVec : unmanaged
        where TL : ILanes<TVec, float>
    {
        var p = TL.Create(1.3266971800476313E-3f);
        p = TL.Fma(p, f, TL.Create(9.675460867583752E-3f));
        p = TL.Fma(p, f, TL.Create(5.550742521882057E-2f));
        p = TL.Fma(p, f, TL.Create(2.4022121727466583E-1f));
        p = TL.Fma(p, f, TL.Create(6.931469440460205E-1f));
        return TL.Fma(p, f, TL.Create(1.0000001192092896f));
    }

    /// <summary>e^r for |r| ≤ ln2 / 2 in double: Taylor series to degree 12 (relative error ~1e-16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec ExpReduced<TVec, TL>(TVec r)
        where TVec : unmanaged
        where TL : ILanes<TVec, double>
    {
        var p = TL.Create(1.0 / 479001600);
        p = TL.Fma(p, r, TL.Create(1.0 / 39916800));
        p = TL.Fma(p, r, TL.Create(1.0 / 3628800));
        p = TL.Fma(p, r, TL.Create(1.0 / 362880));
        p = TL.Fma(p, r, TL.Create(1.0 / 40320));
        p = TL.Fma(p, r, TL.Create(1.0 / 5040));
        p = TL.Fma(p, r, TL.Create(1.0 / 720));
        p = TL.Fma(p, r, TL.Create(1.0 / 120));
        p = TL.Fma(p, r, TL.Create(1.0 / 24));
        p = TL.Fma(p, r, TL.Create(1.0 / 6));
        p = TL.Fma(p, r, TL.Create(0.5));
        p = TL.Fma(p, r, TL.Create(1.0));
        return TL.Fma(p, r, TL.Create(1.0));
    }
}

/// <summary>float32 in Vector512 (16 lanes): AVX-512 instructions where present (vscalefps, vrcp14ps).</summary>
internal readonly struct F32x16 : ILanes<Vector512<float>, float>
{
    public static int Count => Vector512<float>.Count;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Create(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Reciprocal(Vector512<float> x)
    {
        if (Avx512F.IsSupported)
        {
            // 14-bit estimate and one Newton step: full float precision, far cheaper than a division.
            var r = Avx512F.Reciprocal14(x);
            return r * Avx512F.FusedMultiplyAddNegated(x, r, Vector512.Create(2.0f));
        }

        return Vector512<float>.One / x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x) => Pow2(Vector512.MinNative(x * Vector512.Create(1.44269504088896341f), Vector512.Create(128.0f)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> z)
    {
        // e^−z = 2^t, t capped at 126 so that 1 + e^−z stays finite for the Newton step (σ(−87) ≈ 1.6e-38 ≈ 0).
        var t = Vector512.MinNative(z * Vector512.Create(-1.44269504088896341f), Vector512.Create(126.0f));
        return Reciprocal(Pow2(t) + Vector512<float>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Log(Vector512<float> x) => Vector512.Log(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> OneMinusTimes(Vector512<float> a) =>
        Avx512F.IsSupported ? Avx512F.FusedMultiplyAddNegated(a, a, a) : a - a * a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> v) => Vector512.Sum(v);

    /// <summary>2^t for t ≤ 128 (−∞ side underflows to 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pow2(Vector512<float> t)
    {
        if (Avx512F.IsSupported)
        {
            var k = Avx512F.RoundScale(t, 0);
            return Avx512F.Scale(LaneMath.Exp2Fraction<Vector512<float>, F32x16>(t - k), k);
        }

        t = Vector512.MaxNative(t, Vector512.Create(-126.0f));
        var kk = Vector512.Round(t);
        var scale = Vector512.ShiftLeft(Vector512.ConvertToInt32Native(kk) + Vector512.Create(127), 23).AsSingle();
        return LaneMath.Exp2Fraction<Vector512<float>, F32x16>(t - kk) * scale;
    }
}

/// <summary>float64 in Vector512 (8 lanes).</summary>
internal readonly struct F64x8 : ILanes<Vector512<double>, double>
{
    public static int Count => Vector512<double>.Count;

    public static Vector512<double> Zero => Vector512<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Create(double value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Subtract(Vector512<double> a, Vector512<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Multiply(Vector512<double> a, Vector512<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Max(Vector512<double> a, Vector512<double> b) => Vector512.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Fma(Vector512<double> a, Vector512<double> b, Vector512<double> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Reciprocal(Vector512<double> x) => Vector512<double>.One / x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Exp(Vector512<double> x)
    {
        x = Vector512.MinNative(Vector512.MaxNative(x, Vector512.Create(-708.0)), Vector512.Create(709.0));
        var k = Vector512.Round(x * Vector512.Create(1.4426950408889634074));
        var r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-6.93147180369123816490e-01), x);
        r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-1.90821492927058770002e-10), r);
        var p = LaneMath.ExpReduced<Vector512<double>, F64x8>(r);
        if (Avx512F.IsSupported)
        {
            return Avx512F.Scale(p, k);
        }

        return p * Vector512.ShiftLeft(Vector512.ConvertToInt64Native(k) + Vector512.Create(1023L), 52).AsDouble();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Sigmoid(Vector512<double> z) => Vector512<double>.One / (Exp(-z) + Vector512<double>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Log(Vector512<double> x) => Vector512.Log(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> OneMinusTimes(Vector512<double> a) =>
        Avx512F.IsSupported ? Avx512F.FusedMultiplyAddNegated(a, a, a) : a - a * a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector512<double> v) => Vector512.Sum(v);
}

/// <summary>float32 in Vector128 (4 lanes): for CPUs without 256/512-bit vectors, such as arm64 (NEON).</summary>
internal readonly struct F32x4 : ILanes<Vector128<float>, float>
{
    public static int Count => Vector128<float>.Count;

    public static Vector128<float> Zero => Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Create(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Reciprocal(Vector128<float> x) => Vector128<float>.One / x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x) => Pow2(Vector128.MinNative(x * Vector128.Create(1.44269504088896341f), Vector128.Create(128.0f)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> z) =>
        Reciprocal(Pow2(Vector128.MinNative(z * Vector128.Create(-1.44269504088896341f), Vector128.Create(126.0f))) + Vector128<float>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Log(Vector128<float> x) => Vector128.Log(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> OneMinusTimes(Vector128<float> a) => a - a * a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> v) => Vector128.Sum(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Pow2(Vector128<float> t)
    {
        t = Vector128.MaxNative(t, Vector128.Create(-126.0f));
        var k = Vector128.Round(t);
        var scale = Vector128.ShiftLeft(Vector128.ConvertToInt32Native(k) + Vector128.Create(127), 23).AsSingle();
        return LaneMath.Exp2Fraction<Vector128<float>, F32x4>(t - k) * scale;
    }
}

/// <summary>float64 in Vector128 (2 lanes).</summary>
internal readonly struct F64x2 : ILanes<Vector128<double>, double>
{
    public static int Count => Vector128<double>.Count;

    public static Vector128<double> Zero => Vector128<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Create(double value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Add(Vector128<double> a, Vector128<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Subtract(Vector128<double> a, Vector128<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Multiply(Vector128<double> a, Vector128<double> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Max(Vector128<double> a, Vector128<double> b) => Vector128.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Fma(Vector128<double> a, Vector128<double> b, Vector128<double> c) => Vector128.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Reciprocal(Vector128<double> x) => Vector128<double>.One / x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Exp(Vector128<double> x)
    {
        x = Vector128.MinNative(Vector128.MaxNative(x, Vector128.Create(-708.0)), Vector128.Create(709.0));
        var k = Vector128.Round(x * Vector128.Create(1.4426950408889634074));
        var r = Vector128.FusedMultiplyAdd(k, Vector128.Create(-6.93147180369123816490e-01), x);
        r = Vector128.FusedMultiplyAdd(k, Vector128.Create(-1.90821492927058770002e-10), r);
        var scale = Vector128.ShiftLeft(Vector128.ConvertToInt64Native(k) + Vector128.Create(1023L), 52).AsDouble();
        return LaneMath.ExpReduced<Vector128<double>, F64x2>(r) * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Sigmoid(Vector128<double> z) => Vector128<double>.One / (Exp(-z) + Vector128<double>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Log(Vector128<double> x) => Vector128.Log(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> OneMinusTimes(Vector128<double> a) => a - a * a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector128<double> v) => Vector128.Sum(v);
}
