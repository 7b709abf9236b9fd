using System.IO.Compression;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Dashboard.Export;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Export;

/// <summary>The zip is streamed into a body that refuses synchronous writes, one object at a time, and holds only the run's own prefix.</summary>
public sealed class RunZipTests : IDisposable
{
    private const string RunId = "20260101-000000-zip1";
    private static readonly DateTimeOffset s_stamp = new(2026, 1, 2, 3, 4, 6, TimeSpan.Zero);
    private readonly TempFolder _folder = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WriteAsync_LargeObject_StreamsItInSmallAsynchronousWrites()
    {
        var store = new FolderObjectStore(_folder.Path);
        var training = new byte[8 << 20];
        new Random(7).NextBytes(training);
        await store.PutAsync(RunKeys.Train(RunId), training, Token);
        await store.PutAsync(RunKeys.Manifest(RunId), "{\"schema\": 2}"u8.ToArray(), Token);
        var body = new ResponseLikeStream();

        var count = await RunZip.WriteAsync(store, RunId, s_stamp, body, Token);

        Assert.Equal(2, count);
        Assert.InRange(body.LargestWrite, 1, 1 << 20);
        await using var zip = new ZipArchive(new MemoryStream(body.Written.ToArray()), ZipArchiveMode.Read);
        Assert.Equal([$"{RunId}/_manifest.json", $"{RunId}/train/part-0.parquet"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        await using var entry = await zip.GetEntry($"{RunId}/train/part-0.parquet")!.OpenAsync(Token);
        using var copy = new MemoryStream();
        await entry.CopyToAsync(copy, Token);
        Assert.True(training.AsSpan().SequenceEqual(copy.ToArray()));
        Assert.All(zip.Entries, e => Assert.Equal(s_stamp.UtcDateTime, e.LastWriteTime.UtcDateTime));
    }

    [Fact]
    public async Task WriteAsync_NeighbouringRuns_HoldsOnlyThisRunsPrefix()
    {
        var store = new FolderObjectStore(_folder.Path);
        await store.PutAsync(RunKeys.Manifest(RunId), "{}"u8.ToArray(), Token);
        await store.PutAsync(RunKeys.Manifest(RunId + "x"), "{}"u8.ToArray(), Token);
        await store.PutAsync("runs/" + RunId + ".txt", "{}"u8.ToArray(), Token);
        await store.PutAsync("oneoff.db", "secret"u8.ToArray(), Token);
        var body = new ResponseLikeStream();

        await RunZip.WriteAsync(store, RunId, s_stamp, body, Token);

        await using var zip = new ZipArchive(new MemoryStream(body.Written.ToArray()), ZipArchiveMode.Read);
        Assert.Equal([$"{RunId}/_manifest.json"], zip.Entries.Select(e => e.FullName));
    }

    [Theory]
    [InlineData("../keys")]
    [InlineData("")]
    [InlineData("Run")]
    public async Task WriteAsync_NotARunId_Throws(string runId) =>
        await Assert.ThrowsAsync<ArgumentException>(() => RunZip.WriteAsync(new FolderObjectStore(_folder.Path), runId, s_stamp, new ResponseLikeStream(), Token));

    public void Dispose() => _folder.Dispose();

    /// <summary>As Kestrel's response body: write-only, not seekable, no synchronous writes; it records what it got.</summary>
    private sealed class ResponseLikeStream : Stream
    {
        public MemoryStream Written { get; } = new();

        public int LargestWrite { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => throw new InvalidOperationException("Synchronous operations are disallowed.");

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous operations are disallowed.");

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            LargestWrite = Math.Max(LargestWrite, buffer.Length);
            Written.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
