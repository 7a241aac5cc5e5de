using WanAccel.Core.Chunking;

namespace WanAccel.Core.Tests.Chunking;

/// <summary>
/// Cut points of a fixed input with the default options, pinned: changing the segmentation of existing data is a
/// wire-protocol break (old caches stop matching), so it must be a deliberate, versioned decision.
/// </summary>
public sealed class SegmenterGoldenTests
{
    // 1 MiB of SplitMix64(seed 42) bytes, zeros at [500000, 510000) (a zero segment) and [700000, 703000)
    // (shorter than MinZeroRun: stays inside a data chunk). Lengths of the data chunks; Z marks the zero segment.
    private const string PinnedSegments =
        "9448 9652 9422 10229 9892 7864 13357 8391 11057 8801 11029 8082 19624 11926 8970 9506 8664 16632 8360 10730 " +
        "9159 7489 8345 4274 9684 11035 8245 8288 10557 8576 15441 9409 11370 9153 8639 8705 9619 9981 9780 12179 " +
        "6056 11899 10959 9090 11234 8566 8745 10327 10275 11285 Z10000 9876 11093 8494 8795 8739 8942 10100 8210 11282 " +
        "9660 9982 14769 10935 10145 10886 10453 8275 8810 14503 3181 10164 9221 3934 11882 8822 5153 9329 9156 7402 " +
        "11668 6950 5347 10959 10565 10993 8973 10991 8305 9344 12602 9290 11015 12962 3878 8825 8899 12930 9679 9390 " +
        "16184 10868 8232 11844 9807 13323 2560";

    [Fact]
    public void NextBatch_PinnedSeededInput_ProducesPinnedSegments()
    {
        var data = TestData.Random(1 << 20, 42);
        data.AsSpan(500_000, 10_000).Clear();
        data.AsSpan(700_000, 3_000).Clear();

        var segments = StreamingDriver.WholeBuffer(new Segmenter(), data);

        Assert.Equal(PinnedSegments, string.Join(' ', segments.Select(s => s.IsZero ? $"Z{s.Length}" : $"{s.Length}")));
    }

    [Fact]
    public void TestRandom_Seed42_ProducesPinnedBytes()
    {
        // Guards the pinned input itself.
        Assert.Equal("95035294F2065DA4", Convert.ToHexString(TestData.Random(8, 42)));
    }
}
