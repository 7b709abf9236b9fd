using System.Text;
using OneOff.Core.Storage;

namespace OneOff.Testing;

/// <summary>The <see cref="IObjectStore"/> contract, run against every implementation that can run here.</summary>
public abstract class ObjectStoreContractTests
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh, empty store.</summary>
    protected abstract Task<IObjectStore> CreateStoreAsync();

    [Fact]
    public async Task PutAsync_Bytes_GetReturnsSameBytes()
    {
        var store = await CreateStoreAsync();
        var content = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();

        await store.PutAsync("runs/r1/train/part-0.parquet", content, Ct);

        Assert.Equal(content, await store.GetAsync("runs/r1/train/part-0.parquet", Ct));
    }

    [Fact]
    public async Task PutAsync_EmptyObject_RoundTrips()
    {
        var store = await CreateStoreAsync();

        await store.PutAsync("runs/r1/_SUCCESS", ReadOnlyMemory<byte>.Empty, Ct);

        Assert.Empty(await store.GetAsync("runs/r1/_SUCCESS", Ct));
        Assert.True(await store.ExistsAsync("runs/r1/_SUCCESS", Ct));
    }

    [Fact]
    public async Task PutAsync_SliceOfLargerArray_WritesOnlyTheSlice()
    {
        var store = await CreateStoreAsync();
        var backing = Encoding.UTF8.GetBytes("xxhello-worldyy");

        await store.PutAsync("slice", backing.AsMemory(2, 11), Ct);

        Assert.Equal("hello-world", Encoding.UTF8.GetString(await store.GetAsync("slice", Ct)));
    }

    [Fact]
    public async Task PutAsync_SeekableStream_WritesRemainingBytes()
    {
        var store = await CreateStoreAsync();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("skip:payload"));
        stream.Position = 5;

        await store.PutAsync("a/stream", stream, Ct);

        Assert.Equal("payload", Encoding.UTF8.GetString(await store.GetAsync("a/stream", Ct)));
    }

    [Fact]
    public async Task PutAsync_NonSeekableStream_WritesAllBytes()
    {
        var store = await CreateStoreAsync();
        var content = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();
        await using var stream = new ForwardOnlyStream(content);

        await store.PutAsync("a/forward", stream, Ct);

        Assert.Equal(content, await store.GetAsync("a/forward", Ct));
    }

    [Fact]
    public async Task PutAsync_ExistingKey_ReplacesObject()
    {
        var store = await CreateStoreAsync();
        await store.PutAsync("k", "first"u8.ToArray(), Ct);

        await store.PutAsync("k", "second"u8.ToArray(), Ct);

        Assert.Equal("second", Encoding.UTF8.GetString(await store.GetAsync("k", Ct)));
    }

    [Fact]
    public async Task PutAsync_UnicodeAndSpacesInKey_RoundTrips()
    {
        var store = await CreateStoreAsync();
        const string Key = "runs/é ü/n_hidden=30/part 0+1.parquet";

        await store.PutAsync(Key, "x"u8.ToArray(), Ct);

        Assert.Equal([Key], await store.ListAsync("runs/", Ct).ToListAsync(Ct));
        Assert.Equal("x"u8.ToArray(), await store.GetAsync(Key, Ct));
    }

    [Theory]
    [InlineData("/abs")]
    [InlineData("a/../b")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("a\\b")]
    [InlineData("")]
    [InlineData("folder/")]
    public async Task PutAsync_InvalidKey_ThrowsAndWritesNothing(string key)
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(key, "x"u8.ToArray(), Ct));

        Assert.Empty(await store.ListAsync(string.Empty, Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task GetAsync_MissingKey_ThrowsObjectNotFound()
    {
        var store = await CreateStoreAsync();

        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.GetAsync("runs/none/_manifest.json", Ct));

        Assert.Equal("runs/none/_manifest.json", error.Key);
    }

    [Fact]
    public async Task OpenReadAsync_Object_StreamsItsBytes()
    {
        var store = await CreateStoreAsync();
        var content = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 13)).ToArray();
        await store.PutAsync("runs/r1/grid/n_hidden=3/part-0.parquet", content, Ct);

        await using var stream = await store.OpenReadAsync("runs/r1/grid/n_hidden=3/part-0.parquet", Ct);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);

        Assert.Equal(content, copy.ToArray());
    }

    [Fact]
    public async Task OpenReadAsync_MissingKey_ThrowsObjectNotFound()
    {
        var store = await CreateStoreAsync();

        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.OpenReadAsync("runs/none/train/part-0.parquet", Ct));

        Assert.Equal("runs/none/train/part-0.parquet", error.Key);
    }

    [Fact]
    public async Task ExistsAsync_ReportsPresenceOfExactKeyOnly()
    {
        var store = await CreateStoreAsync();
        await store.PutAsync("runs/r1/_manifest.json", "{}"u8.ToArray(), Ct);

        Assert.True(await store.ExistsAsync("runs/r1/_manifest.json", Ct));
        Assert.False(await store.ExistsAsync("runs/r1/_manifest", Ct));
        Assert.False(await store.ExistsAsync("runs/r2/_manifest.json", Ct));
    }

    [Fact]
    public async Task ListAsync_Prefix_ReturnsMatchingKeysInOrdinalOrder()
    {
        var store = await CreateStoreAsync();
        string[] keys =
        [
            "runs/r1/metrics/n_hidden=5/part-0.parquet", "runs/r1/grid/n_hidden=10/part-0.parquet",
            "runs/r1/_manifest.json", "runs/r10/_manifest.json", "runs/r2/train/part-0.parquet", "other/x",
        ];
        foreach (var key in keys)
        {
            await store.PutAsync(key, "1"u8.ToArray(), Ct);
        }

        var underR1 = await store.ListAsync("runs/r1/", Ct).ToListAsync(Ct);
        var startingR1 = await store.ListAsync("runs/r1", Ct).ToListAsync(Ct);
        var all = await store.ListAsync(string.Empty, Ct).ToListAsync(Ct);

        Assert.Equal(["runs/r1/_manifest.json", "runs/r1/grid/n_hidden=10/part-0.parquet", "runs/r1/metrics/n_hidden=5/part-0.parquet"], underR1);
        Assert.Equal([.. underR1, "runs/r10/_manifest.json"], startingR1);
        Assert.Equal(keys.Order(StringComparer.Ordinal), all);
    }

    [Fact]
    public async Task ListAsync_NothingUnderPrefix_ReturnsEmpty()
    {
        var store = await CreateStoreAsync();
        await store.PutAsync("runs/r1/x", "1"u8.ToArray(), Ct);

        Assert.Empty(await store.ListAsync("runs/r9/", Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task ListAsync_ManyKeys_ReturnsEveryKey()
    {
        var store = await CreateStoreAsync();
        var keys = Enumerable.Range(0, 25).Select(i => $"many/{i:D3}").ToArray();
        await Task.WhenAll(keys.Select(k => store.PutAsync(k, "1"u8.ToArray(), Ct)));

        Assert.Equal(keys, await store.ListAsync("many/", Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task SizeOfPrefixAsync_SumsTheBytesOfTheObjectsUnderThePrefixOnly()
    {
        var store = await CreateStoreAsync();
        await store.PutAsync("runs/r1/a", new byte[1000], Ct);
        await store.PutAsync("runs/r1/b/c", new byte[234], Ct);
        await store.PutAsync("runs/r1/empty", Array.Empty<byte>(), Ct);
        await store.PutAsync("runs/r10/a", new byte[5], Ct);
        await store.PutAsync("other/a", new byte[7], Ct);

        Assert.Equal(1234, await store.SizeOfPrefixAsync("runs/r1/", Ct));
        Assert.Equal(1239, await store.SizeOfPrefixAsync("runs/", Ct));
        Assert.Equal(1246, await store.SizeOfPrefixAsync(string.Empty, Ct));
        Assert.Equal(0, await store.SizeOfPrefixAsync("runs/r9/", Ct));
    }

    [Fact]
    public async Task DeletePrefixAsync_DeletesOnlyThatPrefixAndCounts()
    {
        var store = await CreateStoreAsync();
        foreach (var key in new[] { "runs/r1/a", "runs/r1/b/c", "runs/r10/a", "runs/r2/a" })
        {
            await store.PutAsync(key, "1"u8.ToArray(), Ct);
        }

        var deleted = await store.DeletePrefixAsync("runs/r1/", Ct);

        Assert.Equal(2, deleted);
        Assert.Equal(["runs/r10/a", "runs/r2/a"], await store.ListAsync(string.Empty, Ct).ToListAsync(Ct));
        Assert.Equal(0, await store.DeletePrefixAsync("runs/r1/", Ct));
    }

    /// <summary>A stream that can only be read forwards, like a network or pipe stream.</summary>
    protected sealed class ForwardOnlyStream(byte[] content) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, 4096), content.Length - _position);
            Array.Copy(content, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
