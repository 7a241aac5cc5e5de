using WanAccel.Core.Compression;
using WanAccel.Core.Codec;
using WanAccel.Core.Tests.Support;
using WanAccel.Core.Wire;

namespace WanAccel.Core.Tests.Codec;

public sealed class StreamCodecFaultTests
{
    [Fact]
    public void Transfer_DecoderStoreWiped_MissesAreResentAndOutputIsExact()
    {
        var input = Samples.DiskLike(8 << 20, 20);
        using var harness = new EngineHarness();
        harness.Transfer(input);

        harness.WipeStore();
        var warm = harness.Transfer(input);

        Assert.Equal(input, warm.Output);
        Assert.True(warm.Decoded.Misses > 0);
        Assert.Equal(warm.Decoded.MissedBytes, warm.Decoded.ResentBytes);

        // The resends taught the new store: a third pass is all references again.
        var third = harness.Transfer(input);
        Assert.Equal(input, third.Output);
        Assert.Equal(0, third.Decoded.Misses);
        Assert.Equal(0, third.Encoded.LiteralChunks);
    }

    [Fact]
    public void Decode_StoreFullMidStream_FailsLoudlyAndNeverCompletes()
    {
        var input = Samples.DiskLike(8 << 20, 22);
        using var harness = new EngineHarness();
        using var encoder = new StreamEncoder(harness.Options, harness.Knowledge);
        var frames = EncodeAll(encoder, input);
        var feedback = new FeedbackQueue();
        var output = new MemoryDecoderOutput();
        using var decoder = new StreamDecoder(new FailingStore(harness.Store, goodAppends: 2), output, feedback);

        var error = Assert.Throws<IOException>(() =>
            DecodeAll(frames.Blocks, decoder, feedback, encoder, input));

        Assert.Contains("No space", error.Message);
        Assert.False(decoder.IsComplete);
        Assert.True(input.AsSpan(0, output.ToArray().Length).SequenceEqual(output.ToArray()), "bytes delivered before the failure are exact");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Decode_CorruptChunkInsideLiteralRun_RejectedAfterExactlyTheFramesBefore(int corruptFrame)
    {
        // Raw literals, so a flipped payload byte reaches verification; the frames of a run are decoded side by side.
        var input = Samples.Random(12 << 20, 23);
        using var harness = new EngineHarness(new StreamEncoderOptions { Codec = new CodecSpec(CodecKind.None, 0) });
        using var encoder = new StreamEncoder(harness.Options, harness.Knowledge);
        var frames = EncodeAll(encoder, input);
        var stream = frames.Blocks.SelectMany(b => b.ToArray()).ToArray();
        var (frameStart, frameEnd) = NthFrame(stream, FrameType.Literals, corruptFrame);
        stream[frameEnd - 100] ^= 0x40; // inside the last chunk's bytes
        var output = new MemoryDecoderOutput();
        var feedback = new FeedbackQueue();
        using var decoder = new StreamDecoder(harness.Store, output, feedback);

        var error = Assert.Throws<WireFormatException>(() =>
            DecodeAll([stream], decoder, feedback, encoder, input));

        Assert.Equal(WireError.IntegrityFailure, error.Error);
        var delivered = output.ToArray();
        Assert.Equal(LiteralBytesBefore(stream, frameStart), delivered.Length);
        Assert.True(input.AsSpan(0, delivered.Length).SequenceEqual(delivered));
    }

    [Fact]
    public void Transfer_DecoderParallelismOneOrTwo_SameOutputAndStatistics()
    {
        var input = Samples.DiskLike(16 << 20, 24);
        using var harness = new EngineHarness();
        using var encoder = new StreamEncoder(harness.Options, harness.Knowledge);
        var frames = EncodeAll(encoder, input);

        DecodeStatistics Decode(int parallelism, EngineHarness target)
        {
            var output = new MemoryDecoderOutput();
            var feedback = new FeedbackQueue();
            using var decoder = new StreamDecoder(target.Store, output, feedback, new StreamDecoderOptions { Parallelism = parallelism });
            DecodeAll(frames.Blocks, decoder, feedback, encoder, input);
            Assert.Equal(input, output.ToArray());
            return decoder.Statistics;
        }

        using var other = new EngineHarness();
        var one = Decode(1, harness);
        var two = Decode(2, other);

        Assert.Equal(one.WireBytes, two.WireBytes);
        Assert.Equal(one.LiteralChunks, two.LiteralChunks);
        Assert.Equal(one.LiteralBytes, two.LiteralBytes);
        Assert.Equal(harness.Store.GetStatistics().ChunkCount, other.Store.GetStatistics().ChunkCount);
    }

    [Fact]
    public void Transfer_StoreReopened_ReferencesStillResolve()
    {
        var input = Samples.DiskLike(6 << 20, 21);
        using var harness = new EngineHarness();
        harness.Transfer(input);

        harness.ReopenStore();
        var warm = harness.Transfer(input);

        Assert.Equal(input, warm.Output);
        Assert.Equal(0, warm.Decoded.Misses);
    }

    [Fact]
    public void Transfer_CorruptStoreRecord_NotServedAndResent()
    {
        var input = Samples.Random(2 << 20, 22);
        using var harness = new EngineHarness();
        harness.Transfer(input);
        harness.Store.Dispose();
        var flipped = FlipByteOf(harness.StorePath, input.AsSpan(1 << 20, 64));
        Assert.True(flipped, "the chunk's bytes were not found in the store files");
        harness.ReopenStore();

        var warm = harness.Transfer(input);

        Assert.Equal(input, warm.Output);
        // Caught either when the store reopened (record dropped) or on read (record rejected): never served.
        Assert.True(warm.Decoded.Misses >= 1);
    }

    [Fact]
    public void Transfer_StoreSmallerThanData_EvictsAndStaysExact()
    {
        var input = Samples.Random(24 << 20, 23);
        using var harness = new EngineHarness(storeCapacity: 4 << 20);

        var cold = harness.Transfer(input);
        var warm = harness.Transfer(input);

        Assert.Equal(input, cold.Output);
        Assert.Equal(input, warm.Output);
        Assert.True(harness.Store.GetStatistics().UsedBytes <= 4 << 20);
    }

    [Fact]
    public void Decode_TruncatedStream_NeverCompletes()
    {
        var input = Samples.DiskLike(1 << 20, 24);
        using var harness = new EngineHarness();
        var frames = harness.Transfer(input).Frames.Blocks.Single().ToArray();

        for (var cut = 0; cut < frames.Length; cut += Math.Max(1, frames.Length / 97))
        {
            using var fresh = new EngineHarness();
            var output = new MemoryDecoderOutput();
            using var decoder = new StreamDecoder(fresh.Store, output, new FeedbackQueue());
            decoder.Decode(frames.AsSpan(0, cut));

            Assert.False(decoder.IsComplete);
            Assert.Equal(input.AsSpan(0, (int)decoder.Delivered).ToArray(), output.ToArray());
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100 << 10)]
    public void Decode_MutatedStreams_OnlyTypedErrorsOrExactOutput(int passthroughFrom)
    {
        // passthroughFrom >= 0: the stream switches to Passthrough frames there (the fuzzer then also hits their bodies and lengths).
        var input = Samples.DiskLike(256 << 10, 25);
        using var harness = new EngineHarness(new StreamEncoderOptions { LiteralBatchBytes = 64 << 10 });
        var transfer = passthroughFrom < 0 ? harness.Transfer(input) : harness.TransferPassthrough(input, passthroughFrom);
        var frames = transfer.Frames.Blocks.Single().ToArray();
        var rng = new Random(26);
        var clean = 0;
        var rejected = 0;

        for (var run = 0; run < 1500; run++)
        {
            var mutated = (byte[])frames.Clone();
            for (var m = rng.Next(1, 4); m > 0; m--)
            {
                mutated[rng.Next(mutated.Length)] ^= (byte)(1 << rng.Next(8));
            }

            using var fresh = new EngineHarness(harness.Options);
            try
            {
                var result = Decode(fresh, mutated, input);
                Assert.Equal(input, result);
                clean++;
            }
            catch (WireFormatException)
            {
                rejected++;
            }
        }

        Assert.Equal(1500, clean + rejected);
        Assert.True(rejected > 1000, $"only {rejected} of 1500 mutations were detected");
    }

    private static byte[] Decode(EngineHarness harness, byte[] frames, byte[] original)
    {
        using var encoder = new StreamEncoder(harness.Options, harness.Knowledge);
        LocalTransfer.Encode(new MemoryStream(original), encoder, new FrameBuffer(WireLimits.MaxFrame));
        var output = new MemoryDecoderOutput();
        var feedback = new FeedbackQueue();
        using var decoder = new StreamDecoder(harness.Store, output, feedback);
        DecodeAll([frames], decoder, feedback, encoder, original);
        return output.ToArray();
    }

    private static FrameBuffer EncodeAll(StreamEncoder encoder, byte[] input)
    {
        var frames = new FrameBuffer();
        LocalTransfer.Encode(new MemoryStream(input), encoder, frames);
        return frames;
    }

    /// <summary>Decodes the frames, answering misses from <paramref name="input"/>.</summary>
    private static void DecodeAll(IEnumerable<ReadOnlyMemory<byte>> blocks, StreamDecoder decoder, FeedbackQueue feedback, StreamEncoder encoder, byte[] input) =>
        LocalTransfer.Decode(blocks, decoder, feedback, encoder, (offset, length) => input.AsMemory((int)offset, length));

    /// <summary>Start and end of the <paramref name="n"/>-th (0-based) frame of <paramref name="type"/>.</summary>
    private static (int Start, int End) NthFrame(byte[] stream, FrameType type, int n)
    {
        var offset = 0;
        while (FrameHeader.TryRead(stream.AsSpan(offset), out var t, out var header, out var body))
        {
            if (t == (byte)type && n-- == 0)
            {
                return (offset, offset + header + body);
            }

            offset += header + body;
        }

        throw new InvalidOperationException($"fewer {type} frames");
    }

    /// <summary>Raw bytes of the Literals frames before <paramref name="end"/> (no zero runs or references in random data).</summary>
    private static long LiteralBytesBefore(byte[] stream, int end)
    {
        long total = 0;
        var offset = 0;
        while (offset < end && FrameHeader.TryRead(stream.AsSpan(offset), out var type, out var header, out var body))
        {
            if (type == (byte)FrameType.Literals)
            {
                var reader = new SpanReader(stream.AsSpan(offset + header, body), type);
                reader.ReadInt32(1, WireLimits.MaxLiteralChunks, "count");
                reader.ReadByte();
                total += reader.ReadInt32(1, WireLimits.MaxLiteralBatchBytes, "raw length");
            }

            offset += header + body;
        }

        return total;
    }

    /// <summary>Flips one bit inside the first occurrence of <paramref name="needle"/> in any file under <paramref name="directory"/>.</summary>
    private static bool FlipByteOf(string directory, ReadOnlySpan<byte> needle)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            var at = bytes.AsSpan().IndexOf(needle);
            if (at >= 0)
            {
                bytes[at + 10] ^= 0x01;
                File.WriteAllBytes(file, bytes);
                return true;
            }
        }

        return false;
    }
}
