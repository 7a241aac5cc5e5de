using WanAccel.Core.Storage;

namespace WanAccel.Core.Tests.Storage;

public sealed class ChunkIndexTests
{
    [Fact]
    public void AddRemove_RandomOperations_MatchesDictionaryModel()
    {
        var index = new ChunkIndex();
        var model = new Dictionary<(ulong, ulong), int>();
        var random = new Random(42);
        var live = new List<(ulong Key, ulong Location)>();
        Span<ulong> found = stackalloc ulong[ChunkIndex.MaxCandidates];

        for (int step = 0; step < 200_000; step++)
        {
            if (live.Count > 0 && random.Next(3) == 0)
            {
                int victim = random.Next(live.Count);
                var (key, location) = live[victim];
                live[victim] = live[^1];
                live.RemoveAt(live.Count - 1);
                Assert.True(index.Remove(key, location));
                model.Remove((key, location));
            }
            else
            {
                // Few distinct keys' low bits and some equal prefixes, so probe runs are long and shared.
                ulong key = (ulong)random.Next(50_000) * 0x1000_0000_0000UL;
                ulong location = (ulong)step + 1;
                index.Add(key, location);
                live.Add((key, location));
                model[(key, location)] = 1;
            }
        }

        Assert.Equal(model.Count, index.Count);
        foreach (var (key, location) in live.Take(5000))
        {
            int count = index.Find(key, found);
            Assert.True(count > 0);
            int expected = live.Count(e => e.Key == key);
            Assert.Equal(Math.Min(expected, ChunkIndex.MaxCandidates), count);
            if (expected <= ChunkIndex.MaxCandidates)
            {
                Assert.Contains(location, found[..count].ToArray());
            }
        }
    }

    [Fact]
    public void RemoveSegment_DropsOnlyThatSegmentsEntries()
    {
        var index = new ChunkIndex();
        for (int i = 0; i < 10_000; i++)
        {
            index.Add((ulong)i, ChunkLocation.Pack(i % 3, 16, 100));
        }

        index.RemoveSegment(1);

        Span<ulong> found = stackalloc ulong[ChunkIndex.MaxCandidates];
        Assert.Equal(10_000 - 3333, index.Count);
        Assert.Equal(0, index.Find(1, found));
        Assert.Equal(1, index.Find(3, found));
        Assert.Equal(0, ChunkLocation.SegmentTag(found[0]));
    }

    [Theory]
    [InlineData(0L, 16L, 0)]
    [InlineData(65_535L, (1L << 30) - 8, ChunkLimits.MaxChunkSize)]
    [InlineData(70_000L, 4096L, 8192)]
    public void Pack_Fields_RoundTrip(long segment, long offset, int length)
    {
        ulong location = ChunkLocation.Pack(segment, offset, length);

        Assert.NotEqual(0UL, location);
        Assert.Equal((int)(segment & 0xFFFF), ChunkLocation.SegmentTag(location));
        Assert.Equal(offset, ChunkLocation.Offset(location));
        Assert.Equal(length, ChunkLocation.Length(location));
    }
}
