using WanAccel.Core.Storage;

namespace WanAccel.Core.Tests.Storage;

public sealed class LogChunkStoreConcurrencyTests
{
    [Fact]
    public async Task TryReadAndTryAdd_FromSeveralThreads_EveryReadIsExactOrMiss()
    {
        using var directory = new StoreDirectory();
        // Small capacity so eviction and segment rolls race with the readers too.
        using var store = LogChunkStore.Open(directory.Options(capacityBytes: 4L << 20, segmentBytes: 256 << 10));
        var chunks = TestChunk.Varied(3000, 16 * 1024);
        int hits = 0;
        int wrong = 0;
        int reads = 0;
        int writersLeft = 2;

        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
        {
            for (int i = w; i < chunks.Length; i += 2)
            {
                store.TryAdd(chunks[i].Id, chunks[i].Data);
            }

            Interlocked.Decrement(ref writersLeft);
        })).ToList();
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(() =>
        {
            var random = new Random(r);
            var buffer = new byte[16 * 1024];
            // Read while the writers run (however the scheduler orders the tasks), then 5,000 more: bounded either way.
            for (int after = 0; after < 5_000; after += Volatile.Read(ref writersLeft) == 0 ? 1 : 0)
            {
                Interlocked.Increment(ref reads);
                var chunk = chunks[random.Next(chunks.Length)];
                int read = store.TryRead(chunk.Id, buffer);
                if (read >= 0)
                {
                    Interlocked.Increment(ref hits);
                    if (read != chunk.Data.Length || !chunk.Data.AsSpan().SequenceEqual(buffer.AsSpan(0, read)))
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
            }
        })).ToList();
        await Task.WhenAll([.. writers, .. readers]);

        Assert.Equal(0, wrong);
        Assert.True(hits > 0);
        var statistics = store.GetStatistics();
        Assert.Equal(0, statistics.CorruptRecords);
        Assert.Equal(reads, statistics.Hits + statistics.Misses);
        Assert.InRange(statistics.UsedBytes, 0, 4L << 20);
        Assert.Equal(chunks.Length, statistics.ChunkCount + statistics.Evictions);
    }
}
