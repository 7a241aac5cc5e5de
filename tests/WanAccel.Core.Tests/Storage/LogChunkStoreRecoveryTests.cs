using WanAccel.Core.Storage;

namespace WanAccel.Core.Tests.Storage;

/// <summary>Corruption, torn tails and simulated <c>kill -9</c>: bytes that do not match their id are never served.</summary>
public sealed class LogChunkStoreRecoveryTests
{
    private const int SegmentHeaderSize = 16;
    private const int RecordOverhead = 48;

    [Fact]
    public void TryRead_ByteFlippedWhileOpen_ReturnsMinusOneAndCountsCorrupt()
    {
        using var directory = new StoreDirectory();
        using var store = LogChunkStore.Open(directory.Options());
        var chunks = TestChunk.Many(3, 4096);
        foreach (var chunk in chunks)
        {
            store.TryAdd(chunk.Id, chunk.Data);
        }

        FlipByte(directory.DataFiles()[^1], SegmentHeaderSize + RecordSize(4096) + RecordOverhead + 100);
        var buffer = new byte[4096];

        Assert.Equal(-1, store.TryRead(chunks[1].Id, buffer));
        Assert.Equal(1, store.GetStatistics().CorruptRecords);
        Assert.DoesNotContain(buffer, b => b != 0); // the destination is untouched
        Assert.False(store.Contains(chunks[1].Id)); // dropped from the index
        Assert.Equal(-1, store.TryRead(chunks[1].Id, buffer));
        Assert.Equal(1, store.GetStatistics().CorruptRecords);
        LogChunkStoreTests.AssertAllReadable(store, [chunks[0], chunks[2]]);

        Assert.True(store.TryAdd(chunks[1].Id, chunks[1].Data)); // stored again, fresh record
        LogChunkStoreTests.AssertAllReadable(store, chunks);
    }

    [Fact]
    public void TryRead_ByteFlippedInSealedSegment_ReturnsMinusOneAfterReopen()
    {
        using var directory = new StoreDirectory();
        var options = directory.Options(capacityBytes: 16L << 20, segmentBytes: 256 << 10);
        var chunks = TestChunk.Many(100, 8192);
        using (var store = LogChunkStore.Open(options))
        {
            foreach (var chunk in chunks)
            {
                store.TryAdd(chunk.Id, chunk.Data);
            }
        }

        FlipByte(directory.DataFiles()[0], SegmentHeaderSize + (2 * RecordSize(8192)) + 8); // inside chunk 2's id

        using var reopened = LogChunkStore.Open(options);
        var buffer = new byte[8192];

        Assert.Equal(-1, reopened.TryRead(chunks[2].Id, buffer));
        Assert.Equal(1, reopened.GetStatistics().CorruptRecords);
        LogChunkStoreTests.AssertAllReadable(reopened, chunks.Where((_, i) => i != 2));
    }

    [Fact]
    public void Open_GarbageAppendedToActiveSegment_DropsTailKeepsRecordsAndAppends()
    {
        using var directory = new StoreDirectory();
        var options = directory.Options();
        var chunks = TestChunk.Varied(50, 9000);
        using (var store = LogChunkStore.Open(options))
        {
            foreach (var chunk in chunks)
            {
                store.TryAdd(chunk.Id, chunk.Data);
            }
        }

        string file = directory.DataFiles()[^1];
        long goodLength = new FileInfo(file).Length;
        var garbage = new byte[5000];
        new Random(3).NextBytes(garbage);
        using (var stream = new FileStream(file, FileMode.Append))
        {
            stream.Write(garbage);
        }

        var extra = TestChunk.Create(777, 1234);
        using (var reopened = LogChunkStore.Open(options))
        {
            Assert.Equal(goodLength, new FileInfo(file).Length);
            LogChunkStoreTests.AssertAllReadable(reopened, chunks);
            Assert.True(reopened.TryAdd(extra.Id, extra.Data));
        }

        using var again = LogChunkStore.Open(options);
        LogChunkStoreTests.AssertAllReadable(again, [.. chunks, extra]);
    }

    [Fact]
    public void Open_AfterKillAtAnyTruncationPoint_KeepsExactlyTheWholeRecords()
    {
        using var directory = new StoreDirectory();
        var options = directory.Options();
        var chunks = TestChunk.Varied(40, 3000, seed: 11);
        var store = LogChunkStore.Open(options);
        var ends = new long[chunks.Length];
        long end = SegmentHeaderSize;
        for (int i = 0; i < chunks.Length; i++)
        {
            store.TryAdd(chunks[i].Id, chunks[i].Data);
            end += RecordSize(chunks[i].Data.Length);
            ends[i] = end;
        }

        store.Abandon(); // kill -9: no flush, no sealing, the sidecar buffer is lost
        var random = new Random(5);
        var points = Enumerable.Range(0, 60).Select(_ => (long)random.Next(0, (int)end + 1))
            .Concat(ends).Concat(ends.Select(e => e - 1)).Append(0L).Append(SegmentHeaderSize - 1);
        var buffer = new byte[3000];

        foreach (long point in points)
        {
            using var copy = new StoreDirectory();
            directory.CopyTo(copy.Path);
            string file = copy.DataFiles().Single();
            using (var stream = new FileStream(file, FileMode.Open))
            {
                stream.SetLength(point);
            }

            using var reopened = LogChunkStore.Open(options with { Path = copy.Path });

            int survivors = ends.Count(e => e <= point);
            Assert.Equal(survivors, reopened.GetStatistics().ChunkCount);
            for (int i = 0; i < chunks.Length; i++)
            {
                int read = reopened.TryRead(chunks[i].Id, buffer);
                Assert.Equal(i < survivors ? chunks[i].Data.Length : -1, read);
                if (read >= 0)
                {
                    Assert.True(chunks[i].Data.AsSpan().SequenceEqual(buffer.AsSpan(0, read)));
                }
            }

            var extra = TestChunk.Create(4242, 2500);
            Assert.True(reopened.TryAdd(extra.Id, extra.Data));
            Assert.Equal(2500, reopened.TryRead(extra.Id, buffer));
            Assert.Equal(0, reopened.GetStatistics().CorruptRecords);
        }
    }

    [Fact]
    public void Open_AfterKillWithSealedSegments_FindsEverythingWritten()
    {
        using var directory = new StoreDirectory();
        var options = directory.Options(capacityBytes: 16L << 20, segmentBytes: 256 << 10);
        var chunks = TestChunk.Varied(300, 8192);
        var store = LogChunkStore.Open(options);
        foreach (var chunk in chunks)
        {
            store.TryAdd(chunk.Id, chunk.Data);
        }

        store.Abandon();

        using var reopened = LogChunkStore.Open(options);
        Assert.Equal(chunks.Length, reopened.GetStatistics().ChunkCount);
        LogChunkStoreTests.AssertAllReadable(reopened, chunks);
    }

    private static int RecordSize(int payload) => (RecordOverhead + payload + 7) & ~7;

    private static void FlipByte(string file, long offset)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Position = offset;
        int value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x5A));
    }
}
