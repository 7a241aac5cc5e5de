using WanAccel.Core.Fingerprints;
using WanAccel.Core.Storage;

namespace WanAccel.Core.Tests.Storage;

/// <summary><see cref="LogChunkStore.AddRange"/>: many chunks in one call, written in batches.</summary>
public sealed class LogChunkStoreBatchTests
{
    [Fact]
    public void AddRange_ThenReopen_EveryChunkReadsBack()
    {
        using var directory = new StoreDirectory();
        var chunks = TestChunk.Varied(400, 20_000); // ~4 MiB: more than one write batch
        using (var store = LogChunkStore.Open(directory.Options()))
        {
            Assert.Equal(chunks.Length, AddRange(store, chunks));
            LogChunkStoreTests.AssertAllReadable(store, chunks);
            Assert.Equal(chunks.Length, store.GetStatistics().ChunkCount);
        }

        using var reopened = LogChunkStore.Open(directory.Options());
        LogChunkStoreTests.AssertAllReadable(reopened, chunks);
        Assert.Equal(directory.DataFiles().Sum(f => new FileInfo(f).Length), reopened.GetStatistics().UsedBytes);
    }

    [Fact]
    public void AddRange_RepeatsWithinAndAcrossCalls_StoredOnce()
    {
        using var directory = new StoreDirectory();
        using var store = LogChunkStore.Open(directory.Options());
        var (a, b, c) = (TestChunk.Create(1, 3000), TestChunk.Create(2, 5000), TestChunk.Create(3, 7000));

        Assert.Equal(2, AddRange(store, [a, b, a]));
        Assert.Equal(1, AddRange(store, [b, c]));

        Assert.Equal(3, store.GetStatistics().ChunkCount);
        LogChunkStoreTests.AssertAllReadable(store, [a, b, c]);
    }

    [Fact]
    public void AddRange_SamePrefixInOneCall_StoresBothAndServesEachItsOwn()
    {
        using var directory = new StoreDirectory();
        using var store = LogChunkStore.Open(directory.Options());
        Span<byte> raw = stackalloc byte[ChunkId.Size];
        raw.Fill(0x5A);
        var first = ChunkId.Read(raw);
        raw[31] = 0xA5; // same 8-byte prefix, different id
        var second = ChunkId.Read(raw);
        var buffer = new byte[16];

        Assert.Equal(2, store.AddRange([first, second], [5, 6], "firstsecond"u8));

        Assert.Equal(5, store.TryRead(first, buffer));
        Assert.Equal("first"u8.ToArray(), buffer[..5]);
        Assert.Equal(6, store.TryRead(second, buffer));
        Assert.Equal("second"u8.ToArray(), buffer[..6]);
    }

    [Fact]
    public void AddRange_LargerThanSegmentsAndCapacity_RollsAndEvictsOldestFirst()
    {
        using var directory = new StoreDirectory();
        const long capacity = 1 << 20;
        var options = directory.Options(capacity, segmentBytes: 64 << 10);
        var chunks = TestChunk.Varied(600, 6000); // ~1.8 MiB in one call: rolls every ~64 KiB, evicts the oldest
        int firstPresent;
        using (var store = LogChunkStore.Open(options))
        {
            Assert.Equal(chunks.Length, AddRange(store, chunks));

            var statistics = store.GetStatistics();
            Assert.InRange(statistics.UsedBytes, 0, capacity);
            firstPresent = LogChunkStoreEvictionTests.AssertPresentIsNewestSuffix(store, chunks);
            Assert.True(firstPresent > 200);
            Assert.Equal(chunks.Length - firstPresent, statistics.ChunkCount);
            Assert.Equal(statistics.UsedBytes, directory.DataFiles().Sum(f => new FileInfo(f).Length));
        }

        using var reopened = LogChunkStore.Open(options);
        Assert.Equal(firstPresent, LogChunkStoreEvictionTests.AssertPresentIsNewestSuffix(reopened, chunks));
        LogChunkStoreTests.AssertAllReadable(reopened, chunks[firstPresent..]);
    }

    [Fact]
    public void AddRange_LengthsNotAddingUpToData_ThrowsAndStoresNothing()
    {
        using var directory = new StoreDirectory();
        using var store = LogChunkStore.Open(directory.Options());
        var (a, b) = (TestChunk.Create(1, 100), TestChunk.Create(2, 100));
        byte[] data = [.. a.Data, .. b.Data];

        Assert.Throws<ArgumentOutOfRangeException>(() => store.AddRange([a.Id, b.Id], [100, 99], data));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.AddRange([a.Id, b.Id], [100], data));

        Assert.Equal(0, store.GetStatistics().ChunkCount);
    }

    private static int AddRange(LogChunkStore store, TestChunk[] chunks) =>
        store.AddRange([.. chunks.Select(c => c.Id)], [.. chunks.Select(c => c.Data.Length)], [.. chunks.SelectMany(c => c.Data)]);
}
