using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Caching.Hybrid;
using OneOff.Core.Query;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Results;

/// <summary>
/// Binary forms of the query results for <see cref="HybridCache"/>: length-prefixed column arrays copied as raw
/// bytes (a 15 000-point data set is 255 KB, against about 1.5 MB as JSON). HybridCache serializes each new entry
/// once to learn its size for the memory budget; the results are immutable, so hits return the instance itself.
/// The bytes never leave the process (there is no distributed cache), so native byte order is used.
/// </summary>
internal sealed class CompactResultSerializer :
    IHybridCacheSerializer<PointSet>,
    IHybridCacheSerializer<ClassFractions>,
    IHybridCacheSerializer<DecisionSurface>,
    IHybridCacheSerializer<SurfaceSet>,
    IHybridCacheSerializer<RunMetrics>,
    IHybridCacheSerializer<LossCurves>
{
    public void Serialize(PointSet value, IBufferWriter<byte> target)
    {
        WriteArray(target, value.X0);
        WriteArray(target, value.Y0);
        WriteArray(target, value.X);
        WriteArray(target, value.Y);
        WriteArray(target, value.Classes);
    }

    PointSet IHybridCacheSerializer<PointSet>.Deserialize(ReadOnlySequence<byte> source)
    {
        var reader = new Reader(source);
        return new PointSet(reader.Array<float>(), reader.Array<float>(), reader.Array<float>(), reader.Array<float>(), reader.Array<byte>());
    }

    public void Serialize(ClassFractions value, IBufferWriter<byte> target) =>
        WriteArray(target, new[] { value.Train.X, value.Train.O, value.Train.B, value.Test.X, value.Test.O, value.Test.B });

    ClassFractions IHybridCacheSerializer<ClassFractions>.Deserialize(ReadOnlySequence<byte> source)
    {
        var c = new Reader(source).Array<long>();
        return new ClassFractions(new ClassCounts(c[0], c[1], c[2]), new ClassCounts(c[3], c[4], c[5]));
    }

    public void Serialize(DecisionSurface value, IBufferWriter<byte> target)
    {
        WriteArray(target, new[] { value.NHidden });
        WriteArray(target, value.X);
        WriteArray(target, value.Y);
        WriteArray(target, value.Classes);
        WriteArray(target, value.PX);
        WriteArray(target, value.PO);
        WriteArray(target, value.PB);
    }

    DecisionSurface IHybridCacheSerializer<DecisionSurface>.Deserialize(ReadOnlySequence<byte> source)
    {
        var reader = new Reader(source);
        return new DecisionSurface(
            reader.Array<int>()[0], reader.Array<float>(), reader.Array<float>(), reader.Array<byte>(),
            reader.Array<float>(), reader.Array<float>(), reader.Array<float>());
    }

    public void Serialize(SurfaceSet value, IBufferWriter<byte> target)
    {
        WriteArray(target, value.X);
        WriteArray(target, value.Y);
        WriteArray(target, value.NHidden);
        foreach (var classes in value.Classes)
        {
            WriteArray(target, classes);
        }
    }

    SurfaceSet IHybridCacheSerializer<SurfaceSet>.Deserialize(ReadOnlySequence<byte> source)
    {
        var reader = new Reader(source);
        var (x, y, sizes) = (reader.Array<float>(), reader.Array<float>(), reader.Array<int>());
        var classes = new byte[sizes.Length][];
        for (var k = 0; k < classes.Length; k++)
        {
            classes[k] = reader.Array<byte>();
        }

        return new SurfaceSet(x, y, sizes, classes);
    }

    public void Serialize(RunMetrics value, IBufferWriter<byte> target)
    {
        WriteArray(target, value.Models.Select(m => m.NHidden).ToArray());
        WriteArray(target, value.Models.Select(m => m.Iterations).ToArray());
        WriteArray(target, value.Models.SelectMany(m => new[] { m.TrainAcc, m.TestAcc, m.SurfaceAgree, m.FinalLoss, m.FitSeconds }).ToArray());

        // 0 = unknown (a run written before stop_reason), else the reason + 1.
        WriteArray(target, value.Models.Select(m => m.StopReason is { } r ? (byte)((int)r + 1) : (byte)0).ToArray());
    }

    RunMetrics IHybridCacheSerializer<RunMetrics>.Deserialize(ReadOnlySequence<byte> source)
    {
        var reader = new Reader(source);
        var (sizes, iterations, values, stops) = (reader.Array<int>(), reader.Array<int>(), reader.Array<double>(), reader.Array<byte>());
        var models = new ModelMetrics[sizes.Length];
        for (var k = 0; k < models.Length; k++)
        {
            var v = values.AsSpan(k * 5, 5);
            models[k] = new ModelMetrics(sizes[k], v[0], v[1], v[2], iterations[k], v[3], v[4], stops[k] == 0 ? null : (StopReason)(stops[k] - 1));
        }

        return new RunMetrics(models);
    }

    public void Serialize(LossCurves value, IBufferWriter<byte> target)
    {
        WriteArray(target, value.Curves.Select(c => c.NHidden).ToArray());
        foreach (var curve in value.Curves)
        {
            WriteArray(target, curve.Iterations);
            WriteArray(target, curve.Loss);
        }
    }

    LossCurves IHybridCacheSerializer<LossCurves>.Deserialize(ReadOnlySequence<byte> source)
    {
        var reader = new Reader(source);
        var sizes = reader.Array<int>();
        var curves = new LossCurve[sizes.Length];
        for (var k = 0; k < curves.Length; k++)
        {
            curves[k] = new LossCurve(sizes[k], reader.Array<int>(), reader.Array<double>());
        }

        return new LossCurves(curves);
    }

    /// <summary>The size of a result's compact form, in bytes (what HybridCache counts against the memory budget).</summary>
    public static long SizeOf<T>(T value)
    {
        if (new CompactResultSerializer() is not IHybridCacheSerializer<T> serializer)
        {
            throw new NotSupportedException($"{typeof(T).Name} has no compact form.");
        }

        var counter = new CountingWriter();
        serializer.Serialize(value, counter);
        return counter.Count;
    }

    private static void WriteArray<T>(IBufferWriter<byte> target, T[] values)
        where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        BinaryPrimitives.WriteInt32LittleEndian(target.GetSpan(sizeof(int)), values.Length);
        target.Advance(sizeof(int));
        bytes.CopyTo(target.GetSpan(bytes.Length));
        target.Advance(bytes.Length);
    }

    /// <summary>Counts the bytes written to it (into one reused scratch buffer).</summary>
    private sealed class CountingWriter : IBufferWriter<byte>
    {
        private byte[] _scratch = new byte[4096];

        public long Count { get; private set; }

        public void Advance(int count) => Count += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Scratch(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Scratch(sizeHint);

        private byte[] Scratch(int sizeHint)
        {
            if (_scratch.Length < sizeHint)
            {
                _scratch = new byte[sizeHint];
            }

            return _scratch;
        }
    }

    /// <summary>Reads the length-prefixed arrays back, in the order they were written.</summary>
    private ref struct Reader(ReadOnlySequence<byte> source)
    {
        private readonly ReadOnlySpan<byte> _bytes = source.IsSingleSegment ? source.FirstSpan : source.ToArray();
        private int _offset;

        public T[] Array<T>()
            where T : unmanaged
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(_bytes[_offset..]);
            _offset += sizeof(int);
            var values = new T[length];
            var bytes = MemoryMarshal.AsBytes(values.AsSpan());
            _bytes.Slice(_offset, bytes.Length).CopyTo(bytes);
            _offset += bytes.Length;
            return values;
        }
    }
}
