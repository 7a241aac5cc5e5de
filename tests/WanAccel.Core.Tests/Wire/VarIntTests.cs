using WanAccel.Core.Wire;

namespace WanAccel.Core.Tests.Wire;

public sealed class VarIntTests
{
    [Theory]
    [InlineData(0UL, 1)]
    [InlineData(127UL, 1)]
    [InlineData(128UL, 2)]
    [InlineData(16_383UL, 2)]
    [InlineData(16_384UL, 3)]
    [InlineData(ulong.MaxValue, 10)]
    public void WriteThenRead_Value_RoundTripsWithExpectedSize(ulong value, int size)
    {
        Span<byte> buffer = stackalloc byte[VarInt.MaxLength];

        var written = VarInt.Write(buffer, value);
        var read = VarInt.TryRead(buffer[..written], out var back);

        Assert.Equal(size, written);
        Assert.Equal(size, VarInt.SizeOf(value));
        Assert.Equal(written, read);
        Assert.Equal(value, back);
    }

    [Fact]
    public void TryRead_Truncated_ReturnsZero()
    {
        Assert.Equal(0, VarInt.TryRead([0x80, 0x80], out _));
        Assert.Equal(0, VarInt.TryRead([], out _));
    }

    [Fact]
    public void TryRead_ElevenBytes_Throws()
    {
        var bytes = Enumerable.Repeat((byte)0x80, 11).ToArray();

        var e = Assert.Throws<WireFormatException>(() => VarInt.TryRead(bytes, out _));
        Assert.Equal(WireError.Malformed, e.Error);
    }

    [Fact]
    public void TryRead_Overflow_Throws()
    {
        byte[] bytes = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02];

        Assert.Throws<WireFormatException>(() => VarInt.TryRead(bytes, out _));
    }

    [Fact]
    public void FrameHeader_BodyBeyondLimit_Throws()
    {
        Span<byte> frame = stackalloc byte[12];
        frame[0] = (byte)FrameType.Literals;
        var n = VarInt.Write(frame[1..], (ulong)WireLimits.MaxFrameBody + 1);

        var copy = frame[..(1 + n)].ToArray();
        var e = Assert.Throws<WireFormatException>(() => FrameHeader.TryRead(copy, out _, out _, out _));
        Assert.Equal(WireError.LimitExceeded, e.Error);
    }
}
