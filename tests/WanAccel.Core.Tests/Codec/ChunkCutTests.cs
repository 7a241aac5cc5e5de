using WanAccel.Core.Codec;
using WanAccel.Core.Tests.Support;

namespace WanAccel.Core.Tests.Codec;

/// <summary>Chunk boundaries asked for with <c>CutAt</c>: file data framed differently still becomes the same chunks.</summary>
public sealed class ChunkCutTests
{
    private const int Block = 64 * 1024;
    private const int Header = 77;

    [Theory]
    [InlineData(16 << 20)]
    [InlineData(100_000)]
    public void FramedFile_AfterPlainFile_PayloadIsAllReferences(int readBytes)
    {
        var file = Samples.DiskLike(8 << 20, 5);
        var (framed, framedCuts) = Frame(file);
        using var harness = new EngineHarness();

        var plain = harness.Transfer(file, GridCuts(file.Length));
        var warm = harness.Transfer(framed, framedCuts, readBytes);

        Assert.Equal(file, plain.Output);
        Assert.Equal(EngineHarness.Sha256(framed), EngineHarness.Sha256(warm.Output));
        // Only the headers are new: every 64 KiB of file data is cut exactly as in the plain stream.
        var headers = file.Length / Block * Header;
        Assert.True(warm.Encoded.LiteralBytes <= headers, $"literal {warm.Encoded.LiteralBytes} bytes, headers {headers}");
    }

    [Fact]
    public void FramedFile_WithoutCuts_LosesChunksAtEveryHeader()
    {
        var file = Samples.DiskLike(8 << 20, 5);
        var (framed, _) = Frame(file);
        using var harness = new EngineHarness();

        harness.Transfer(file);
        var warm = harness.Transfer(framed);

        Assert.Equal(EngineHarness.Sha256(framed), EngineHarness.Sha256(warm.Output));
        Assert.True(warm.Encoded.LiteralBytes > 4 * (file.Length / Block * Header), $"literal {warm.Encoded.LiteralBytes}");
    }

    [Fact]
    public void Cuts_BehindPositionOrOutOfOrder_AreIgnoredAndOutputExact()
    {
        var input = Samples.DiskLike(2 << 20, 7);
        using var harness = new EngineHarness();

        var result = harness.Transfer(input, [5, 3, 3, 100_000, 99_999, 100_001, input.Length, input.Length + 10], readBytes: 70_000);

        Assert.Equal(input, result.Output);
    }

    [Fact]
    public void CutAtTheEndOfTheInput_ConsumesAll_AndHoldsNothingBack()
    {
        // A warm stream is matched against manifests, and chunks that may extend a match are held back until more
        // input shows whether they do. With a cut at the very end nothing is left for a later flush: a
        // request/response peer would wait for good on the held chunks.
        var input = Samples.DiskLike(2 << 20, 8);
        using var harness = new EngineHarness();
        harness.Transfer(input);
        using var encoder = new StreamEncoder(harness.Options, harness.Knowledge);
        var frames = new FrameBuffer();
        encoder.CutAt(input.Length);

        var consumed = encoder.Encode(input, isFinal: false, frames);

        Assert.Equal(input.Length, consumed);
        var output = new MemoryDecoderOutput();
        using var decoder = new StreamDecoder(harness.Store, output, new FeedbackQueue());
        foreach (var block in frames.Blocks)
        {
            Assert.Equal(block.Length, decoder.Decode(block.Span));
        }

        Assert.Equal(input, output.ToArray());
    }

    private static IEnumerable<long> GridCuts(long length)
    {
        for (long at = Block; at < length; at += Block)
        {
            yield return at;
        }
    }

    /// <summary>The file in 64 KiB messages, each after a header of its own: cuts at every header's start and end.</summary>
    private static (byte[] Stream, List<long> Cuts) Frame(byte[] file)
    {
        var random = new Random(11);
        var stream = new MemoryStream();
        var cuts = new List<long>();
        var header = new byte[Header];
        for (var offset = 0; offset < file.Length; offset += Block)
        {
            random.NextBytes(header);
            if (offset > 0)
            {
                cuts.Add(stream.Length);
            }

            stream.Write(header);
            cuts.Add(stream.Length);
            stream.Write(file, offset, Math.Min(Block, file.Length - offset));
        }

        return (stream.ToArray(), cuts);
    }
}
