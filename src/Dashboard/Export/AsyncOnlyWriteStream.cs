namespace OneOff.Dashboard.Export;

/// <summary>
/// A write-only stream over a response body that allows no synchronous IO (Kestrel's default): asynchronous writes go
/// straight through; the few small synchronous ones <see cref="System.IO.Compression.ZipArchive"/> still makes (headers
/// fixed up as an entry closes, the central directory) are held and sent before the next asynchronous write or by
/// <see cref="FlushAsync(CancellationToken)"/>. Entry data never waits here: it is copied with asynchronous writes.
/// </summary>
internal sealed class AsyncOnlyWriteStream(Stream inner) : Stream
{
    private readonly MemoryStream _held = new();
    private long _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _held.Write(buffer);
        _written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await SendHeldAsync(cancellationToken).ConfigureAwait(false);
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        _written += buffer.Length;
    }

    // A synchronous flush cannot reach the response: what is held goes with the next asynchronous call.
    public override void Flush()
    {
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await SendHeldAsync(cancellationToken).ConfigureAwait(false);
        await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await SendHeldAsync(CancellationToken.None).ConfigureAwait(false);
        await _held.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _held.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task SendHeldAsync(CancellationToken cancellationToken)
    {
        if (_held.Length == 0)
        {
            return;
        }

        await inner.WriteAsync(_held.GetBuffer().AsMemory(0, (int)_held.Length), cancellationToken).ConfigureAwait(false);
        _held.SetLength(0);
    }
}
