using WanAccel.Core.Fingerprints;
using WanAccel.Core.Storage;

namespace WanAccel.Core.Tests.Storage;

public sealed class LogChunkStoreTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(8 * 1024)]
    [InlineData(ChunkLimits.MaxChunkSize)]
    public void TryAdd_ThenTryRead_ReturnsSameBytes(int length)
    {
        using var directory = new StoreDirectory();
        using var store = LogChunkStore.Open(directory.Options());
        var chunk = TestChunk.Create(length, length);
        var buffer = new byte[ChunkLimits.MaxChunkSize];

        Assert.True(store.TryAdd(chunk.Id, chunk.Data));

        Assert.Equal(length, store.TryRead(chunk.Id, buffer));
        Assert.Equal(chunk.Data, buffer.AsSpan(0, length).ToArray());
        Assert.True(store.Contains(chunk.Id));
        Assert.True(store.TryGetLength(chunk.Id, out int stored));
        Assert.Equal(length, stored);
    }

    [Fact]
    public void TryAdd_SameChunkTwice_ReturnsFalseAndStoresOnce()
    {
        using var directory = new StoreDirectory();
        using var store = LogChunkStore.Open(directory.Options());
        var chunk = TestChunk.Create(1, 5000);

        Assert.True(store.TryAdd(chunk.Id, chunk.Data));
        long used = store.GetStatistics().UsedBytes;

        Assert.False(store.TryAdd(chunk.Id, chunk.Data));
        Assert.Equal(1, store.GetStatistics().ChunkCount);
        Assert.Equal(used, store.GetStatistics().UsedBytes);
    }

    [Fact]
    public void TryRead_UnknownChunk_ReturnsMinusOneAndCountsMiss()
    {
        using var directory = new StoreDirectory();
        using var store = LogChunkStore.Open(directory.Options());
        var stored = TestChunk.Create(1, 100);
        store.TryAdd(stored.Id, stored.Data);

        Assert.Equal(-1, store.TryRead(TestChunk.Create(2, 100).Id, new byte[100]));
        Assert.Equal(100, store.TryRead(stored.Id, new byte[100]));

        var statistics = store.GetStatistics();
        Assert.Equal(1, statistics.Hits);
        Assert.Equal(1, statistics.Misses);
        Assert.False(store.Contains(TestChunk.Create(2, 100).Id));
    }

    [Fact]
    public void TryRead_SamePrefixDifferentId_NeverServesTheOtherChunk()
    {
        using var directory = new StoreDirectory();
        using var store = LogChunkStore.Open(directory.Options());
        Span<byte> raw = stackalloc byte[ChunkId.Size];
        raw.Fill(0xAB);
        var first = ChunkId.Read(raw);
        raw[31] = 0xCD; // same 8-byte prefix, different id
        var second = ChunkId.Read(raw);
        var buffer = new byte[16];

        Assert.True(store.TryAdd(first, "first"u8));
        Assert.Equal(-1, store.TryRead(second, buffer));
        Assert.True(store.TryAdd(second, "second"u8));

        Assert.Equal(5, store.TryRead(first, buffer));
        Assert.Equal("first"u8.ToArray(), buffer[..5]);
        Assert.Equal(6, store.TryRead(second, buffer));
        Assert.Equal("second"u8.ToArray(), buffer[..6]);
        Assert.Equal(0, store.GetStatistics().CorruptRecords);
    }

    [Fact]
    public void Open_AfterDispose_FindsEveryChunk()
    {
        using var directory = new StoreDirectory();
        var chunks = TestChunk.Varied(600, 16 * 1024); // ~4.8 MiB: sealed segments plus an active one
        var options = directory.Options(capacityBytes: 64L << 20, segmentBytes: 1L << 20);
        using (var store = LogChunkStore.Open(options))
        {
            foreach (var chunk in chunks)
            {
                Assert.True(store.TryAdd(chunk.Id, chunk.Data));
            }
        }

        using var reopened = LogChunkStore.Open(options);

        Assert.True(directory.DataFiles().Length > 2);
        Assert.Equal(chunks.Length, reopened.GetStatistics().ChunkCount);
        AssertAllReadable(reopened, chunks);
        var extra = TestChunk.Create(9999, 3000);
        Assert.True(reopened.TryAdd(extra.Id, extra.Data));
        Assert.Equal(3000, reopened.TryRead(extra.Id, new byte[3000]));
    }

    [Theory]
    [InlineData(ChunkStoreFlushMode.OnSeal)]
    [InlineData(ChunkStoreFlushMode.Periodic)]
    [InlineData(ChunkStoreFlushMode.Never)]
    public void Open_AfterDisposeInEachFlushMode_FindsEveryChunk(ChunkStoreFlushMode mode)
    {
        using var directory = new StoreDirectory();
        var chunks = TestChunk.Varied(200, 16 * 1024);
        var options = directory.Options(capacityBytes: 64L << 20, segmentBytes: 256 << 10) with
        {
            FlushMode = mode,
            FlushInterval = TimeSpan.FromMilliseconds(1), // fires during the adds; nothing waits for it
        };
        using (var store = LogChunkStore.Open(options))
        {
            foreach (var chunk in chunks)
            {
                Assert.True(store.TryAdd(chunk.Id, chunk.Data));
            }
        }

        using var reopened = LogChunkStore.Open(options);

        AssertAllReadable(reopened, chunks);
    }

    [Fact]
    public void Open_SidecarDamaged_RescansSegmentAndFindsEveryChunk()
    {
        using var directory = new StoreDirectory();
        var chunks = TestChunk.Many(300, 8 * 1024);
        var options = directory.Options(capacityBytes: 64L << 20, segmentBytes: 1L << 20);
        using (var store = LogChunkStore.Open(options))
        {
            foreach (var chunk in chunks)
            {
                store.TryAdd(chunk.Id, chunk.Data);
            }
        }

        string sidecar = Path.ChangeExtension(directory.DataFiles()[0], ".idx");
        var bytes = File.ReadAllBytes(sidecar);
        bytes[20] ^= 0xFF;
        File.WriteAllBytes(sidecar, bytes);

        using var reopened = LogChunkStore.Open(options);

        AssertAllReadable(reopened, chunks);
    }

    [Fact]
    public void Open_SameDirectoryTwice_Throws()
    {
        using var directory = new StoreDirectory();
        using var store = LogChunkStore.Open(directory.Options());

        Assert.Throws<IOException>(() => LogChunkStore.Open(directory.Options()));
    }

    [Fact]
    public void TryRead_DestinationTooSmall_Throws()
    {
        using var directory = new StoreDirectory();
        using var store = LogChunkStore.Open(directory.Options());
        var chunk = TestChunk.Create(1, 100);
        store.TryAdd(chunk.Id, chunk.Data);

        Assert.Throws<ArgumentException>(() => store.TryRead(chunk.Id, new byte[99]));
    }

    [Fact]
    public void TryRead_VerifyHashOnRead_ReturnsSameBytes()
    {
        using var directory = new StoreDirectory();
        using var store = LogChunkStore.Open(directory.Options() with { VerifyHashOnRead = true, VerifyOnRead = false });
        var chunk = TestChunk.Create(1, 10_000);
        store.TryAdd(chunk.Id, chunk.Data);
        var buffer = new byte[10_000];

        Assert.Equal(10_000, store.TryRead(chunk.Id, buffer));
        Assert.Equal(chunk.Data, buffer);
    }

    [Fact]
    public void GetStatistics_IndexMemoryForOneMillionChunks_AtMost32BytesPerChunk()
    {
        using var directory = new StoreDirectory();
        // 1M records of 8-byte chunks are 56 MB of log; ids are random (the store trusts its caller's ids).
        using var store = LogChunkStore.Open(directory.Options(capacityBytes: 256L << 20, segmentBytes: 16L << 20));
        var random = new Random(7);
        Span<byte> raw = stackalloc byte[ChunkId.Size];
        Span<byte> data = stackalloc byte[8];
        for (int i = 0; i < 1_000_000; i++)
        {
            random.NextBytes(raw);
            Assert.True(store.TryAdd(ChunkId.Read(raw), data));
        }

        var statistics = store.GetStatistics();

        Assert.Equal(1_000_000, statistics.ChunkCount);
        Assert.InRange((double)statistics.IndexMemoryBytes / statistics.ChunkCount, 16, 32);
    }

    internal static void AssertAllReadable(IChunkStore store, IEnumerable<TestChunk> chunks)
    {
        var buffer = new byte[ChunkLimits.MaxChunkSize];
        foreach (var chunk in chunks)
        {
            Assert.Equal(chunk.Data.Length, store.TryRead(chunk.Id, buffer));
            Assert.True(chunk.Data.AsSpan().SequenceEqual(buffer.AsSpan(0, chunk.Data.Length)));
        }
    }
}
