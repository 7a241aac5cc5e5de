using K4os.Compression.LZ4;
using WanAccel.Core.Compression;
using WanAccel.Core.Tests.Support;

namespace WanAccel.Core.Tests.Compression;

/// <summary>liblz4 and K4os must read each other's blocks: the two appliances of a pair may use either.</summary>
public sealed class NativeLz4Tests
{
    public static TheoryData<string> Inputs => ["text", "disk", "random"];

    [Fact]
    public void IsAvailable_OnThisMachine()
    {
        // .ci/run installs liblz4-1; without it the appliances silently fall back to K4os and this test says so.
        Assert.True(NativeLz4.IsAvailable, "liblz4.so.1 could not be loaded");
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void NativeBlocks_DecodeWithK4os_AndBack(string kind)
    {
        var input = Sample(kind);
        var bound = LZ4Codec.MaximumOutputSize(input.Length);
        var native = new byte[bound];
        var managed = new byte[bound];
        var back = new byte[input.Length];

        var n = NativeLz4.Compress(input, native);
        Assert.Equal(input.Length, LZ4Codec.Decode(native.AsSpan(0, n), back));
        Assert.Equal(input, back);

        var m = LZ4Codec.Encode(input, managed, LZ4Level.L00_FAST);
        Array.Clear(back);
        Assert.Equal(input.Length, NativeLz4.Decompress(managed.AsSpan(0, m), back));
        Assert.Equal(input, back);
    }

    [Fact]
    public void Decompress_HostileBlocks_NeverOverrunAndReportMalformed()
    {
        var input = Sample("text");
        var compressed = new byte[LZ4Codec.MaximumOutputSize(input.Length)];
        var n = NativeLz4.Compress(input, compressed);
        var random = new Random(11);
        var destination = new byte[input.Length + 64];
        var guard = destination.AsSpan(input.Length);
        for (var i = 0; i < 500; i++)
        {
            var mutated = compressed.AsSpan(0, random.Next(1, n + 1)).ToArray();
            mutated[random.Next(mutated.Length)] ^= (byte)random.Next(1, 256);
            guard.Fill(0xEE);

            var decoded = NativeLz4.Decompress(mutated, destination.AsSpan(0, input.Length));

            Assert.InRange(decoded, int.MinValue, input.Length);
            Assert.True(guard.IndexOfAnyExcept((byte)0xEE) < 0, "wrote past the destination");
        }
    }

    [Fact]
    public void Compress_DestinationTooSmall_ReturnsZero()
    {
        var input = Samples.Random(64 << 10, 3);
        Assert.Equal(0, NativeLz4.Compress(input, new byte[1000]));
    }

    private static byte[] Sample(string kind) => kind switch
    {
        "text" => Samples.Text(1 << 20, 1),
        "disk" => Samples.DiskLike(1 << 20, 2),
        _ => Samples.Random(1 << 20, 3),
    };
}
