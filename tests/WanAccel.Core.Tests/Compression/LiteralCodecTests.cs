using WanAccel.Core.Compression;
using WanAccel.Core.Tests.Support;
using WanAccel.Core.Wire;

namespace WanAccel.Core.Tests.Compression;

public sealed class LiteralCodecTests
{
    [Theory]
    [InlineData("lz4")]
    [InlineData("zstd")]
    [InlineData("zstd:19")]
    public void TryCompress_Text_RoundTrips(string codec)
    {
        Assert.True(CodecSpec.TryParse(codec, out var spec));
        using var compressor = spec.CreateCompressor()!;
        using var decompressor = new LiteralDecompressor();
        var input = Samples.Text(1 << 20, 1);
        var compressed = new byte[compressor.MaxCompressedLength(input.Length)];

        var n = compressor.TryCompress(input, compressed);
        var output = new byte[input.Length];
        decompressor.Decompress(spec.Kind, compressed.AsSpan(0, n), output);

        Assert.InRange(n, 1, input.Length / 2);
        Assert.Equal(input, output);
    }

    [Theory]
    [InlineData("lz4")]
    [InlineData("zstd:3")]
    public void TryCompress_Random_DeclinesSoDataTravelsRaw(string codec)
    {
        Assert.True(CodecSpec.TryParse(codec, out var spec));
        using var compressor = spec.CreateCompressor()!;
        var input = Samples.Random(1 << 20, 2);

        Assert.Equal(-1, compressor.TryCompress(input, new byte[compressor.MaxCompressedLength(input.Length)]));
    }

    [Theory]
    [InlineData(CodecKind.Lz4)]
    [InlineData(CodecKind.Zstd)]
    [InlineData(CodecKind.None)]
    public void Decompress_Garbage_ThrowsTypedError(CodecKind kind)
    {
        using var decompressor = new LiteralDecompressor();
        var garbage = Samples.Random(1000, 3);

        var e = Assert.Throws<WireFormatException>(() => decompressor.Decompress(kind, garbage, new byte[4096]));
        Assert.Equal(WireError.Malformed, e.Error);
    }

    [Fact]
    public void Decompress_PayloadLargerThanAnnounced_ThrowsInsteadOfGrowing()
    {
        using var compressor = new ZstdCompressor(3);
        using var decompressor = new LiteralDecompressor();
        var zeros = new byte[1 << 20];
        var compressed = new byte[compressor.MaxCompressedLength(zeros.Length)];
        var n = compressor.TryCompress(zeros, compressed);

        Assert.Throws<WireFormatException>(() => decompressor.Decompress(CodecKind.Zstd, compressed.AsSpan(0, n), new byte[4096]));
    }

    [Theory]
    [InlineData("lz4", true)]
    [InlineData("zstd", true)]
    [InlineData("zstd:22", true)]
    [InlineData("none", true)]
    [InlineData("zstd:0", false)]
    [InlineData("zstd:23", false)]
    [InlineData("gzip", false)]
    [InlineData("", false)]
    public void TryParse_Spec_AcceptsOnlyValidCodecs(string text, bool valid)
    {
        Assert.Equal(valid, CodecSpec.TryParse(text, out _));
    }
}
