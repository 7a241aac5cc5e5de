using System.Security.Cryptography;
using CsCheck;
using WanAccel.Core.Chunking;

namespace WanAccel.Core.Tests.Chunking;

public sealed class SegmenterPropertyTests
{
    /// <summary>Valid options of every shape (odd MinSize, MinZeroRun larger than MaxSize, ...), small enough for many chunks per input.</summary>
    private static readonly Gen<ChunkerOptions> SmallOptions =
        Gen.Select(Gen.Int[8, 12], Gen.Int[0, 1_000_000], Gen.Int[0, 1_000_000], Gen.Int[0, 1_000_000], (bits, a, b, c) =>
        {
            int average = 1 << bits;
            int min = 64 + a % (average - 64);
            int max = average + 1 + b % (7 * average);
            int minZeroRun = 64 + c % (2 * max);
            return new ChunkerOptions { MinSize = min, AverageSize = average, MaxSize = max, MinZeroRun = minZeroRun };
        });

    private static readonly Gen<ChunkerOptions> AnyOptions = Gen.Frequency((3, SmallOptions), (1, Gen.Const(new ChunkerOptions())));

    [Fact]
    public void NextBatch_WholeBuffer_MatchesReferenceDefinition()
    {
        Gen.Select(AnyOptions, Gen.ULong, Gen.Int[1, 300_000]).Sample((options, seed, length) =>
        {
            var data = TestData.WithZeroRuns(length, seed, options.MinZeroRun);

            var actual = StreamingDriver.WholeBuffer(new Segmenter(options), data);

            Assert.Equal(ReferenceSegmenter.Segment(data, options), actual);
        }, iter: 150);
    }

    [Fact]
    public void NextBatch_RandomReadSplits_MatchesWholeBufferPass()
    {
        Gen.Select(AnyOptions, Gen.ULong, Gen.Int[1, 300_000], Gen.Int[1, 20]).Sample((options, seed, length, batch) =>
        {
            var data = TestData.WithZeroRuns(length, seed, options.MinZeroRun);
            var segmenter = new Segmenter(options);
            var whole = StreamingDriver.WholeBuffer(segmenter, data);
            var rng = new TestRandom(~seed);
            int lookahead = segmenter.Lookahead;

            // Mostly reads around the lookahead, a quarter tiny ones so that zero runs often straddle read boundaries.
            segmenter.Reset();
            var streamed = StreamingDriver.Run(
                segmenter,
                data,
                () => rng.Next(0, 4) == 0 ? rng.Next(1, 64) : rng.Next(1, 2 * lookahead),
                batch);

            Assert.Equal(whole, StreamingDriver.MergeZeroRuns(whole));
            Assert.Equal(whole, StreamingDriver.MergeZeroRuns(streamed));
        }, iter: 150);
    }

    [Fact]
    public void NextBatch_DataWithZeroRuns_SegmentsObeyTheRules()
    {
        Gen.Select(AnyOptions, Gen.ULong, Gen.Int[1, 300_000]).Sample((options, seed, length) =>
        {
            var data = TestData.WithZeroRuns(length, seed, options.MinZeroRun);

            var segments = StreamingDriver.WholeBuffer(new Segmenter(options), data);

            int offset = 0;
            for (int i = 0; i < segments.Count; i++)
            {
                var segment = segments[i];
                var bytes = data.AsSpan(offset, segment.Length);
                bool last = i == segments.Count - 1;
                if (segment.IsZero)
                {
                    Assert.True(segment.Length >= options.MinZeroRun);
                    Assert.True(bytes.IndexOfAnyExcept((byte)0) < 0);
                    Assert.True(last || !segments[i + 1].IsZero, "a zero run is one segment in a whole-buffer pass");
                }
                else
                {
                    Assert.InRange(segment.Length, 1, options.MaxSize);
                    Assert.True(segment.Length >= options.MinSize || last || segments[i + 1].IsZero);
                    Assert.True(LongestZeroRun(bytes) < options.MinZeroRun);
                    Assert.True(last || segments[i + 1].IsZero || LongestZeroRun(data.AsSpan(offset, Math.Min(data.Length - offset, segment.Length + options.MinZeroRun - 1))) < options.MinZeroRun);
                }

                offset += segment.Length;
            }

            Assert.Equal(data.Length, offset);
        }, iter: 100);
    }

    [Fact]
    public void FindZeroRun_DenseZeroStretches_MatchesNaiveSearch()
    {
        // Small MinZeroRun and gaps near 0, MinZeroRun and the stride, so every alignment of a run against the
        // sampled words comes up; the sampling must find exactly the first run, like checking every position.
        Gen.Select(Gen.Int[64, 200], Gen.ULong, Gen.Int[1, 3000]).Sample((minZeroRun, seed, length) =>
        {
            var rng = new TestRandom(seed);
            var data = new byte[length];
            for (int i = 0; i < length;)
            {
                int nonZero = rng.Next(1, 10);
                for (int j = 0; j < nonZero && i < length; j++, i++)
                {
                    data[i] = (byte)rng.Next(1, 256);
                }

                i += rng.Next(0, 4) switch
                {
                    0 => rng.Next(1, 10),
                    1 => minZeroRun - 2 + rng.Next(0, 12),
                    2 => minZeroRun / 2 - 8 + rng.Next(0, 16),
                    _ => rng.Next(1, 2 * minZeroRun),
                };
            }

            if (data.AsSpan(0, Math.Min(length, minZeroRun)).IndexOfAnyExcept((byte)0) < 0)
            {
                data[Math.Min(length, minZeroRun) - 1] = 1; // a data chunk never starts with a zero run
            }

            var segmenter = new Segmenter(new ChunkerOptions { MinSize = 64, AverageSize = 256, MaxSize = 4096, MinZeroRun = minZeroRun });
            int cut = rng.Next(1, length + 1);
            var window = data.AsSpan(0, Math.Min(length, cut - 1 + minZeroRun));

            Assert.Equal(NaiveFindZeroRun(window, cut, minZeroRun), segmenter.FindZeroRun(window, cut));
        }, iter: 3000);
    }

    [Fact]
    public void FindZeroRun_RunJustAfterStretchEndingPastStridePoint_IsFound()
    {
        // Default MinZeroRun 4096 samples words at multiples of 2048. A rejected stretch [2040, 4099) ends just past
        // the sample at 4096; the run [4100, 8196) only covers the sample at 6144, the next one after the stretch.
        var data = TestData.Random(20_000, 12);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] |= 1;
        }

        data.AsSpan(2040, 4099 - 2040).Clear();
        data.AsSpan(4100, 4096).Clear();

        Assert.Equal(4100, new Segmenter().FindZeroRun(data.AsSpan(0, 10_000 - 1 + 4096), 10_000));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(7, 0)]
    [InlineData(0, 5)]
    [InlineData(64, 13)]
    public void NextBatch_BytesInsertedAndDeletedInMiddle_MostChunksUnchanged(int inserted, int deleted)
    {
        var original = TestData.Random(4 << 20, 10);
        var edited = new List<byte>(original);
        edited.RemoveRange(3 << 20, deleted);
        edited.InsertRange(2 << 20, TestData.Random(inserted, 11));

        var before = ChunkHashes(original);
        var after = ChunkHashes([.. edited]);

        int unchanged = before.Count(after.Contains);
        Assert.True(unchanged > 0.9 * before.Count, $"{unchanged} of {before.Count} chunks unchanged");
        Assert.True(before.Count - unchanged <= 6, $"{before.Count - unchanged} chunks changed by two local edits");
    }

    private static HashSet<string> ChunkHashes(byte[] data)
    {
        var hashes = new HashSet<string>();
        int offset = 0;
        foreach (var segment in StreamingDriver.WholeBuffer(new Segmenter(), data))
        {
            hashes.Add(Convert.ToHexString(SHA256.HashData(data.AsSpan(offset, segment.Length))));
            offset += segment.Length;
        }

        return hashes;
    }

    private static int NaiveFindZeroRun(ReadOnlySpan<byte> window, int cut, int minZeroRun)
    {
        for (int q = 1; q < cut && q + minZeroRun <= window.Length; q++)
        {
            if (window.Slice(q, minZeroRun).IndexOfAnyExcept((byte)0) < 0)
            {
                return q;
            }
        }

        return -1;
    }

    private static int LongestZeroRun(ReadOnlySpan<byte> bytes)
    {
        int longest = 0;
        int current = 0;
        foreach (byte b in bytes)
        {
            current = b == 0 ? current + 1 : 0;
            longest = Math.Max(longest, current);
        }

        return longest;
    }
}
