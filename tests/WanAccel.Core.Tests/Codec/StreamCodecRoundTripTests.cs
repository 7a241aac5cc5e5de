using WanAccel.Core.Codec;
using WanAccel.Core.Compression;
using WanAccel.Core.Tests.Support;

namespace WanAccel.Core.Tests.Codec;

public sealed class StreamCodecRoundTripTests
{
    public static TheoryData<string> Inputs => ["random", "zeros", "text", "repetitive", "disk", "empty", "tiny", "real"];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Transfer_ColdThenWarm_OutputIsByteExact(string kind)
    {
        var input = Make(kind);
        using var harness = new EngineHarness();

        var cold = harness.Transfer(input);
        var warm = harness.Transfer(input);

        Assert.Equal(EngineHarness.Sha256(input), EngineHarness.Sha256(cold.Output));
        Assert.Equal(EngineHarness.Sha256(input), EngineHarness.Sha256(warm.Output));
        Assert.Equal(0, cold.Decoded.Misses);
        Assert.Equal(0, warm.Decoded.Misses);
        Assert.Equal(0, warm.Encoded.LiteralChunks);
        if (input.Length >= 1 << 20)
        {
            // Warm: everything is a reference; manifests keep references far below 0.2% of the data.
            Assert.True(warm.Encoded.WireBytes < input.Length / 500, $"warm wire {warm.Encoded.WireBytes} of {input.Length}");
        }
    }

    [Fact]
    public void Transfer_RandomData_OverheadBelowOnePercent()
    {
        var input = Samples.Random(8 << 20, 1);
        using var harness = new EngineHarness();

        var cold = harness.Transfer(input);

        Assert.Equal(input, cold.Output);
        Assert.True(cold.Encoded.WireBytes < input.Length * 1.01, $"wire {cold.Encoded.WireBytes} for {input.Length}");
        Assert.Equal(input.Length, cold.Encoded.RawLiteralBytes);
    }

    [Fact]
    public void Transfer_Zeros_NeverHashedNorStored()
    {
        var input = new byte[32 << 20];
        using var harness = new EngineHarness();

        var result = harness.Transfer(input);

        Assert.Equal(input.Length, result.Output.Length);
        Assert.True(result.Output.AsSpan().IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(0, result.Encoded.Chunks);
        Assert.Equal(input.Length, result.Encoded.ZeroBytes);
        Assert.Equal(0, harness.Store.GetStatistics().ChunkCount);
        Assert.True(result.Encoded.WireBytes < 64);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(19)]
    public void Transfer_Zstd_RoundTripsAndBeatsLz4OnText(int level)
    {
        var input = Samples.Text(4 << 20, 3);
        using var lz4 = new EngineHarness();
        using var zstd = new EngineHarness(new StreamEncoderOptions { Codec = new CodecSpec(CodecKind.Zstd, level) });

        var viaLz4 = lz4.Transfer(input);
        var viaZstd = zstd.Transfer(input);

        Assert.Equal(input, viaZstd.Output);
        Assert.True(viaZstd.Encoded.WireBytes < viaLz4.Encoded.WireBytes, $"zstd:{level} {viaZstd.Encoded.WireBytes} vs lz4 {viaLz4.Encoded.WireBytes}");
    }

    [Theory]
    [InlineData(200_000)]
    public void Transfer_SmallReads_SameOutputAndSameChunks(int readBytes)
    {
        var input = Samples.DiskLike(6 << 20, 4);
        using var whole = new EngineHarness();
        using var pieces = new EngineHarness();

        var a = whole.Transfer(input);
        var b = pieces.Transfer(input, readBytes);

        Assert.Equal(input, b.Output);
        Assert.Equal(a.Encoded.Chunks, b.Encoded.Chunks);
        Assert.Equal(a.Encoded.ZeroBytes, b.Encoded.ZeroBytes);
        Assert.Equal(a.Encoded.LiteralBytes, b.Encoded.LiteralBytes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1 << 20)] // windows smaller than the input: each starts at the previous one's unconsumed tail
    [InlineData(6 << 20)]
    public void TransferFile_FromMapping_SameOutputAndChunksAsStream(int length)
    {
        var input = Samples.DiskLike(length, 8);
        using var streamed = new EngineHarness();
        using var mapped = new EngineHarness();

        var a = streamed.Transfer(input);
        var b = mapped.TransferFile(input, windowBytes: 1 << 20);

        Assert.Equal(input, b.Output);
        Assert.Equal(a.Encoded.Chunks, b.Encoded.Chunks);
        Assert.Equal(a.Encoded.ZeroBytes, b.Encoded.ZeroBytes);
        Assert.Equal(a.Encoded.LiteralBytes, b.Encoded.LiteralBytes);
    }

    [Fact]
    public void Transfer_ChangedVersion_SendsOnlyTheChange()
    {
        var v1 = Samples.Random(8 << 20, 5);
        var v2 = (byte[])v1.Clone();
        Samples.Random(4096, 6).CopyTo(v2.AsSpan(3 << 20));
        using var harness = new EngineHarness();

        harness.Transfer(v1);
        var changed = harness.Transfer(v2);

        Assert.Equal(v2, changed.Output);
        Assert.True(changed.Encoded.LiteralBytes < 256 * 1024, $"literal bytes {changed.Encoded.LiteralBytes}");
        Assert.True(changed.Encoded.WireBytes < 300 * 1024, $"wire bytes {changed.Encoded.WireBytes}");
    }

    [Fact]
    public void Transfer_NoManifests_StillExactAndReferencesEveryChunk()
    {
        var input = Samples.DiskLike(4 << 20, 7);
        using var harness = new EngineHarness(new StreamEncoderOptions { UseManifests = false });

        harness.Transfer(input);
        var warm = harness.Transfer(input);

        Assert.Equal(input, warm.Output);
        Assert.Equal(warm.Encoded.Chunks, warm.Encoded.RefChunks);
        Assert.Equal(0, warm.Encoded.ManifestRefs);
    }

    private static byte[] Make(string kind) => kind switch
    {
        "random" => Samples.Random(3 << 20, 10),
        "zeros" => new byte[5 << 20],
        "text" => Samples.Text(3 << 20, 11),
        "repetitive" => Enumerable.Repeat(Samples.Random(10_000, 12), 400).SelectMany(b => b).ToArray(),
        "disk" => Samples.DiskLike(12 << 20, 13),
        "empty" => [],
        "tiny" => [1, 2, 3],
        "real" => RealFiles(6 << 20),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Concatenated real files from this machine (binaries and libraries), as a real-world sample.</summary>
    private static byte[] RealFiles(int length)
    {
        var data = new MemoryStream();
        foreach (var file in Directory.EnumerateFiles("/usr/lib/x86_64-linux-gnu").Concat(Directory.EnumerateFiles("/usr/bin")).Order(StringComparer.Ordinal))
        {
            if (data.Length >= length)
            {
                break;
            }

            try
            {
                var bytes = File.ReadAllBytes(file);
                data.Write(bytes, 0, (int)Math.Min(bytes.Length, length - data.Length));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return data.ToArray();
    }
}
