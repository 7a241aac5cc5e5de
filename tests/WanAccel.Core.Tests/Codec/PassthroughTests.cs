using WanAccel.Core.Codec;
using WanAccel.Core.Compression;
using WanAccel.Core.Tests.Support;
using WanAccel.Core.Wire;

namespace WanAccel.Core.Tests.Codec;

public sealed class PassthroughTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData((1 << 20) + 123)]
    [InlineData(6 << 20)]
    public void TransferPassthrough_AfterNormalPrefix_ExactAndOnlyThePrefixStored(int from)
    {
        var input = Samples.DiskLike(6 << 20, 40);
        using var harness = new EngineHarness();

        var result = harness.TransferPassthrough(input, from);

        Assert.Equal(input, result.Output);
        var encoded = result.Encoded.LiteralBytes + result.Encoded.RefBytes + result.Encoded.ZeroBytes;
        Assert.True(encoded <= from);
        Assert.Equal(input.Length - encoded, result.Encoded.PassthroughBytes);
        Assert.Equal(result.Encoded.PassthroughBytes, result.Decoded.PassthroughBytes);
        Assert.Equal(result.Encoded.LiteralChunks + result.Encoded.ManifestDefs, harness.Store.GetStatistics().ChunkCount);
    }

    [Fact]
    public void EncodePassthrough_LargeSpan_SplitWithinBatchLimitAtHeaderCost()
    {
        var input = Samples.Random((5 << 20) + 7, 41);
        using var harness = new EngineHarness();

        var result = harness.TransferPassthrough(input, 0);

        Assert.Equal(input, result.Output);
        var frames = Frames(result.Frames).Where(f => f.Type == FrameType.Passthrough).ToList();
        Assert.Equal(6, frames.Count);
        Assert.All(frames, f => Assert.InRange(f.BodyLength, 1, harness.Options.LiteralBatchBytes));
        Assert.True(result.Encoded.WireBytes < input.Length + 64, $"wire {result.Encoded.WireBytes} for {input.Length}");
        Assert.Equal(0, harness.Store.GetStatistics().ChunkCount);
        Assert.Equal(0, harness.Knowledge.Count);
    }

    [Fact]
    public void TransferPassthrough_MissBeforePassthrough_ResentAndExact()
    {
        var prefix = Samples.DiskLike(4 << 20, 42);
        using var harness = new EngineHarness();
        harness.Transfer(prefix);
        harness.WipeStore();
        var input = prefix.Concat(Samples.Random(2 << 20, 43)).ToArray();

        var result = harness.TransferPassthrough(input, prefix.Length);

        Assert.Equal(input, result.Output);
        Assert.True(result.Decoded.Misses > 0);
        Assert.Equal(result.Decoded.MissedBytes, result.Decoded.ResentBytes);
        Assert.True(result.Decoded.PassthroughBytes >= 2 << 20);
    }

    [Fact]
    public void Encode_CodecSwitchedBetweenCalls_DecoderFollowsEverySwitch()
    {
        var input = Samples.Text(6 << 20, 44);
        using var harness = new EngineHarness();
        using var encoder = new StreamEncoder(harness.Options with { BatchBytes = 1 << 20 }, harness.Knowledge);
        var frames = new FrameBuffer();
        CodecSpec[] codecs = [CodecSpec.Lz4, new(CodecKind.Zstd, 3), new(CodecKind.Zstd, 9), CodecSpec.Lz4, new(CodecKind.None, 0)];
        var consumed = 0;
        for (var i = 0; consumed < input.Length; i++)
        {
            encoder.Codec = codecs[i % codecs.Length];
            var end = Math.Min(input.Length, consumed + (1 << 20));
            consumed += encoder.Encode(input.AsMemory(consumed, end - consumed), end == input.Length, frames);
        }

        encoder.Complete(frames);
        var output = new MemoryDecoderOutput();
        var feedback = new FeedbackQueue();
        using var decoder = new StreamDecoder(harness.Store, output, feedback);
        LocalTransfer.Decode(frames.Blocks, decoder, feedback, encoder, (o, l) => input.AsMemory((int)o, l));

        Assert.Equal(input, output.ToArray());
        Assert.True(encoder.Statistics.Lz4Frames > 0 && encoder.Statistics.ZstdFrames > 0);
        Assert.True(encoder.Statistics.RawLiteralBytes > 0);
        Assert.Equal(encoder.Statistics.ZstdFrames, decoder.Statistics.ZstdFrames);
        Assert.Equal(encoder.Statistics.Lz4Frames, decoder.Statistics.Lz4Frames);
    }

    [Theory]
    [InlineData(0, WireError.Malformed)]
    [InlineData(WireLimits.MaxPassthroughBytes + 1, WireError.LimitExceeded)]
    public void Decode_PassthroughBodyOutOfBounds_TypedError(int length, WireError expected)
    {
        var frames = new FrameBuffer();
        FrameWriter.WriteHello(frames, 1 << 20);
        FrameWriter.WriteFrame(frames, (byte)FrameType.Passthrough, new byte[length]);
        using var harness = new EngineHarness();
        using var decoder = new StreamDecoder(harness.Store, new MemoryDecoderOutput(), new FeedbackQueue());

        var e = Assert.Throws<WireFormatException>(() => decoder.Decode(frames.Blocks.Single().Span));

        Assert.Equal(expected, e.Error);
    }

    [Fact]
    public void Decode_PassthroughCutShort_WaitsAndDeliversNothingOfIt()
    {
        var frames = new FrameBuffer();
        FrameWriter.WriteHello(frames, 1 << 20);
        var hello = (int)frames.Length;
        FrameWriter.WritePassthrough(frames, Samples.Random(1000, 45));
        var bytes = frames.Blocks.Single().ToArray();
        using var harness = new EngineHarness();

        for (var cut = hello; cut < bytes.Length; cut += 37)
        {
            var output = new MemoryDecoderOutput();
            using var decoder = new StreamDecoder(harness.Store, output, new FeedbackQueue());

            Assert.Equal(hello, decoder.Decode(bytes.AsSpan(0, cut)));
            Assert.Equal(0, decoder.Delivered);
        }
    }

    [Fact]
    public void Decode_PassthroughBeforeHello_Malformed()
    {
        var frames = new FrameBuffer();
        FrameWriter.WritePassthrough(frames, [1, 2, 3]);
        using var harness = new EngineHarness();
        using var decoder = new StreamDecoder(harness.Store, new MemoryDecoderOutput(), new FeedbackQueue());

        var e = Assert.Throws<WireFormatException>(() => decoder.Decode(frames.Blocks.Single().Span));

        Assert.Equal(WireError.Malformed, e.Error);
    }

    private static List<(FrameType Type, int BodyLength)> Frames(FrameBuffer buffer)
    {
        var frames = new List<(FrameType, int)>();
        foreach (var block in buffer.Blocks)
        {
            var span = block.Span;
            while (FrameHeader.TryRead(span, out var type, out var header, out var body))
            {
                frames.Add(((FrameType)type, body));
                span = span[(header + body)..];
            }
        }

        return frames;
    }
}
