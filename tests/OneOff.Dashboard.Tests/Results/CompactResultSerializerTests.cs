using System.Buffers;
using Microsoft.Extensions.Caching.Hybrid;
using OneOff.Core.Query;
using OneOff.Core.Storage;
using OneOff.Dashboard.Results;
using OneOff.DuckDb;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Results;

/// <summary>Round trips of real query results through the cache's binary forms.</summary>
public sealed class CompactResultSerializerTests(PublishedRunFixture run)
{
    private readonly DuckDbQueryEngine _engine = new(new FolderObjectStore(run.Root));
    private readonly CompactResultSerializer _serializer = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PointSet_RoundTrip_KeepsEveryColumnAndIsCompact()
    {
        var points = await _engine.GetTrainingDataAsync(PublishedRunFixture.RunId, cancellationToken: Token);

        var (copy, size) = RoundTrip<PointSet>(points);

        Assert.Equal(points.X0, copy.X0);
        Assert.Equal(points.Y0, copy.Y0);
        Assert.Equal(points.X, copy.X);
        Assert.Equal(points.Y, copy.Y);
        Assert.Equal(points.Classes, copy.Classes);
        Assert.Equal((points.Count * 17) + 20, size);
        Assert.Equal(size, CompactResultSerializer.SizeOf(points));
    }

    [Fact]
    public async Task DecisionSurface_RoundTrip_KeepsGridAndProbabilities()
    {
        var surface = await _engine.GetDecisionSurfaceAsync(PublishedRunFixture.RunId, 5, Token);

        var (copy, _) = RoundTrip<DecisionSurface>(surface);

        Assert.Equal(5, copy.NHidden);
        Assert.Equal(surface.X, copy.X);
        Assert.Equal(surface.Y, copy.Y);
        Assert.Equal(surface.Classes, copy.Classes);
        Assert.Equal(surface.PX, copy.PX);
        Assert.Equal(surface.PO, copy.PO);
        Assert.Equal(surface.PB, copy.PB);
    }

    [Fact]
    public async Task SurfaceSet_RoundTrip_KeepsEveryMap()
    {
        var set = await _engine.GetAllSurfacesAsync(PublishedRunFixture.RunId, Token);

        var (copy, size) = RoundTrip<SurfaceSet>(set);

        Assert.Equal(size, CompactResultSerializer.SizeOf(set));
        Assert.Equal(set.NHidden, copy.NHidden);
        Assert.Equal(set.X, copy.X);
        Assert.Equal(set.Classes, copy.Classes);
    }

    [Fact]
    public async Task RunMetricsAndLossCurves_RoundTrip_AreEqual()
    {
        var metrics = await _engine.GetMetricsAsync(PublishedRunFixture.RunId, Token);
        var losses = await _engine.GetLossCurvesAsync(PublishedRunFixture.RunId, Token);

        var (metricsCopy, _) = RoundTrip<RunMetrics>(metrics);
        var (lossCopy, _) = RoundTrip<LossCurves>(losses);

        Assert.Equal(metrics.Models, metricsCopy.Models);
        Assert.Equal(metrics.BestNHidden, metricsCopy.BestNHidden);
        Assert.Equal(losses.Curves.Select(c => (c.NHidden, c.Iterations.Length)), lossCopy.Curves.Select(c => (c.NHidden, c.Iterations.Length)));
        Assert.All(losses.Curves.Zip(lossCopy.Curves), pair => Assert.Equal(pair.First.Loss, pair.Second.Loss));
    }

    [Fact]
    public async Task ClassFractions_RoundTrip_IsEqual()
    {
        var fractions = await _engine.GetClassFractionsAsync(PublishedRunFixture.RunId, Token);

        var (copy, _) = RoundTrip<ClassFractions>(fractions);

        Assert.Equal(fractions, copy);
    }

    private (T Value, int Size) RoundTrip<T>(T value)
    {
        var serializer = (IHybridCacheSerializer<T>)(object)_serializer;
        var buffer = new ArrayBufferWriter<byte>();
        serializer.Serialize(value, buffer);

        // Split in two segments, as a pooled buffer may hand it over.
        var bytes = buffer.WrittenMemory;
        var half = bytes.Length / 2;
        var sequence = Segment.Join(bytes[..half], bytes[half..]);
        return (serializer.Deserialize(sequence), bytes.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        private Segment(ReadOnlyMemory<byte> memory, long index)
        {
            Memory = memory;
            RunningIndex = index;
        }

        public static ReadOnlySequence<byte> Join(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second)
        {
            var head = new Segment(first, 0);
            var tail = new Segment(second, first.Length);
            head.Next = tail;
            return new ReadOnlySequence<byte>(head, 0, tail, second.Length);
        }
    }
}
