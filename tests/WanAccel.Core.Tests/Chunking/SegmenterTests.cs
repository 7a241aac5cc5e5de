using WanAccel.Core.Chunking;

namespace WanAccel.Core.Tests.Chunking;

public sealed class SegmenterTests
{
    private static readonly ChunkerOptions Defaults = new();

    [Fact]
    public void Constructor_InvalidOptions_ThrowsListingEveryError()
    {
        var options = new ChunkerOptions { MinSize = 1, AverageSize = 1000 };

        var error = Assert.Throws<ArgumentException>(() => new Segmenter(options));

        Assert.Contains("MinSize must be at least", error.Message, StringComparison.Ordinal);
        Assert.Contains("AverageSize must be a power of two", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lookahead_DefaultOptions_IsMaxSizePlusMinZeroRun()
    {
        Assert.Equal(64 * 1024 + 4 * 1024, new Segmenter().Lookahead);
    }

    [Fact]
    public void Next_EmptyFinalInput_ReturnsDefault()
    {
        Assert.Equal(default, new Segmenter().Next([], isFinal: true));
    }

    [Fact]
    public void Next_RandomShorterThanLookaheadNotFinal_ReturnsDefault()
    {
        var segmenter = new Segmenter();
        var data = TestData.Random(segmenter.Lookahead - 1, 1);

        Assert.Equal(default, segmenter.Next(data, isFinal: false));
    }

    [Fact]
    public void Next_ShortFinalInput_ReturnsOneDataChunkShorterThanMinSize()
    {
        var data = TestData.Random(100, 2);

        Assert.Equal(new Segment(100, false), new Segmenter().Next(data, isFinal: true));
    }

    [Fact]
    public void Next_ZeroRunEndingInsideShortBuffer_ReturnsWholeRunAtOnce()
    {
        var data = new byte[12_000];
        data[10_000] = 1;

        Assert.Equal(new Segment(10_000, true), new Segmenter().Next(data, isFinal: false));
    }

    [Fact]
    public void Next_FewerZerosThanMinZeroRunAtBufferEnd_ReturnsDefault()
    {
        Assert.Equal(default, new Segmenter().Next(new byte[Defaults.MinZeroRun - 1], isFinal: false));
    }

    [Fact]
    public void Next_AllZeroFinalInputShorterThanMinZeroRun_ReturnsDataChunk()
    {
        Assert.Equal(new Segment(1000, false), new Segmenter().Next(new byte[1000], isFinal: true));
    }

    [Fact]
    public void Next_ZeroRunReachingBufferEnd_ContinuesWithFewerZerosNextCall()
    {
        var segmenter = new Segmenter();
        var next = new byte[Defaults.MinZeroRun * 20];
        TestData.Random(next.Length - 100, 3).CopyTo(next, 100);
        next[100] = 1;

        var first = segmenter.Next(new byte[5000], isFinal: false);
        var second = segmenter.Next(next, isFinal: false);
        var third = segmenter.Next(next.AsSpan(100), isFinal: true);

        Assert.Equal(new Segment(5000, true), first);
        Assert.Equal(new Segment(100, true), second);
        Assert.False(third.IsZero);
    }

    [Fact]
    public void Reset_AfterZeroRunAtBufferEnd_ShortZerosStartADataChunkAgain()
    {
        var segmenter = new Segmenter();
        var next = TestData.Random(3000, 4);
        next.AsSpan(0, 100).Clear();
        segmenter.Next(new byte[5000], isFinal: false);

        segmenter.Reset();

        Assert.Equal(new Segment(3000, false), segmenter.Next(next, isFinal: true));
    }

    [Fact]
    public void Next_ZeroRunLongerThanMaxSize_IsOneZeroSegment()
    {
        var data = new byte[ChunkLimits.MaxChunkSize * 3];

        Assert.Equal(new Segment(data.Length, true), new Segmenter().Next(data, isFinal: true));
    }

    [Fact]
    public void NextBatch_ZeroRunStartsBeforeCutPoint_TruncatesChunkAtRunStart()
    {
        var data = TestData.Random(100_000, 5);
        data.AsSpan(1000, 4096).Clear();
        data.AsSpan(30_000, 5000).Clear();
        data[29_999] = 7;

        var segments = StreamingDriver.WholeBuffer(new Segmenter(), data);

        Assert.Equal(new Segment(1000, false), segments[0]);
        Assert.Equal(new Segment(4096, true), segments[1]);
        int offset = 0;
        int index = segments.FindIndex(s => (offset += s.Length) == 30_000);
        Assert.True(index >= 0, "a data chunk ends exactly where the second zero run starts");
        Assert.Equal(new Segment(5000, true), segments[index + 1]);
    }

    [Fact]
    public void NextBatch_ZeroStretchShorterThanMinZeroRun_StaysInsideDataChunk()
    {
        var data = TestData.Random(100_000, 6);
        data.AsSpan(3000, Defaults.MinZeroRun - 1).Clear();
        data[2999] = 1;
        data[3000 + Defaults.MinZeroRun - 1] = 1;

        var segments = StreamingDriver.WholeBuffer(new Segmenter(), data);

        Assert.DoesNotContain(segments, s => s.IsZero);
        Assert.True(segments[0].Length > 3000 + Defaults.MinZeroRun - 1);
    }

    [Fact]
    public void NextBatch_OutputSmallerThanAvailableSegments_ReturnsOnlyWhatFits()
    {
        var data = TestData.Random(1 << 20, 7);
        var output = new Segment[3];

        int count = new Segmenter().NextBatch(data, isFinal: true, output);

        Assert.Equal(3, count);
        Assert.All(output, s => Assert.InRange(s.Length, Defaults.MinSize, Defaults.MaxSize));
    }

    [Fact]
    public void NextBatch_WarmCalls_AllocateNothing()
    {
        var segmenter = new Segmenter();
        var data = TestData.WithZeroRuns(1 << 20, 8, Defaults.MinZeroRun);
        var output = new Segment[16];
        Drain(segmenter, data, output);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Drain(segmenter, data, output);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void FindCut_LengthAtMostMinSize_ReturnsLength()
    {
        var segmenter = new Segmenter();

        Assert.Equal(Defaults.MinSize, segmenter.FindCut(TestData.Random(Defaults.MinSize, 9)));
    }

    [Fact]
    public void FindCut_NoMatchUpToMaxSize_CutsAtMaxSize()
    {
        // Gear over a constant byte settles to a constant hash; for 0x00 it is -Gear[0], which misses both masks.
        var segmenter = new Segmenter();
        var data = new byte[Defaults.MaxSize];

        Assert.Equal(Defaults.MaxSize, segmenter.FindCut(data));
    }

    private static void Drain(Segmenter segmenter, ReadOnlySpan<byte> data, Span<Segment> output)
    {
        segmenter.Reset();
        int count;
        while ((count = segmenter.NextBatch(data, isFinal: true, output)) > 0)
        {
            for (int i = 0; i < count; i++)
            {
                data = data[output[i].Length..];
            }
        }
    }
}
