using WanAccel.Core.Storage;

namespace WanAccel.Core.Tests.Storage;

public sealed class LogChunkStoreEvictionTests
{
    private const long Capacity = 1 << 20;
    private const long SegmentSize = 64 << 10;

    [Fact]
    public void TryAdd_BeyondCapacity_KeepsUsedWithinCapacityAndEvictsOldestFirst()
    {
        using var directory = new StoreDirectory();
        var options = directory.Options(Capacity, SegmentSize);
        var chunks = TestChunk.Varied(1000, 6000);
        using var store = LogChunkStore.Open(options);

        foreach (var chunk in chunks)
        {
            Assert.True(store.TryAdd(chunk.Id, chunk.Data));
            Assert.InRange(store.GetStatistics().UsedBytes, 0, Capacity);
        }

        int firstPresent = AssertPresentIsNewestSuffix(store, chunks);
        var statistics = store.GetStatistics();
        Assert.True(firstPresent > 500);
        Assert.Equal(chunks.Length - firstPresent, statistics.ChunkCount);
        Assert.Equal(firstPresent, statistics.Evictions);
        Assert.InRange(directory.DataFiles().Sum(f => new FileInfo(f).Length), 0, Capacity);
        Assert.Equal(statistics.UsedBytes, directory.DataFiles().Sum(f => new FileInfo(f).Length));
        LogChunkStoreTests.AssertAllReadable(store, chunks[firstPresent..]);
    }

    [Fact]
    public void Open_AfterEviction_FindsTheSameNewestChunks()
    {
        using var directory = new StoreDirectory();
        var options = directory.Options(Capacity, SegmentSize);
        var chunks = TestChunk.Varied(600, 6000);
        int firstPresent;
        using (var store = LogChunkStore.Open(options))
        {
            foreach (var chunk in chunks)
            {
                store.TryAdd(chunk.Id, chunk.Data);
            }

            firstPresent = AssertPresentIsNewestSuffix(store, chunks);
        }

        using var reopened = LogChunkStore.Open(options);

        Assert.Equal(firstPresent, AssertPresentIsNewestSuffix(reopened, chunks));
        LogChunkStoreTests.AssertAllReadable(reopened, chunks[firstPresent..]);
    }

    [Fact]
    public void Open_WithLowerCapacity_EvictsOldestSegmentsDownToIt()
    {
        using var directory = new StoreDirectory();
        var chunks = TestChunk.Varied(800, 6000); // ~2.4 MB
        using (var store = LogChunkStore.Open(directory.Options(4 * Capacity, SegmentSize)))
        {
            foreach (var chunk in chunks)
            {
                store.TryAdd(chunk.Id, chunk.Data);
            }
        }

        using var reopened = LogChunkStore.Open(directory.Options(Capacity, SegmentSize));

        Assert.InRange(reopened.GetStatistics().UsedBytes, 0, Capacity);
        int firstPresent = AssertPresentIsNewestSuffix(reopened, chunks);
        Assert.True(firstPresent > 0);
    }

    [Fact]
    public void TryAdd_ChunksLargerThanSegments_StillBoundedByCapacity()
    {
        using var directory = new StoreDirectory();
        using var store = LogChunkStore.Open(directory.Options(Capacity, SegmentSize));
        var chunks = TestChunk.Many(6, 300_000);

        foreach (var chunk in chunks)
        {
            Assert.True(store.TryAdd(chunk.Id, chunk.Data));
            Assert.InRange(store.GetStatistics().UsedBytes, 0, Capacity);
        }

        LogChunkStoreTests.AssertAllReadable(store, chunks[^3..]);
    }

    /// <summary>Asserts FIFO: the stored chunks are exactly a newest suffix; returns where it starts.</summary>
    internal static int AssertPresentIsNewestSuffix(IChunkStore store, TestChunk[] chunks)
    {
        int firstPresent = Array.FindIndex(chunks, c => store.Contains(c.Id));
        Assert.True(firstPresent >= 0);
        for (int i = firstPresent; i < chunks.Length; i++)
        {
            Assert.True(store.Contains(chunks[i].Id), $"chunk {i} missing after the oldest present one ({firstPresent})");
        }

        return firstPresent;
    }
}
