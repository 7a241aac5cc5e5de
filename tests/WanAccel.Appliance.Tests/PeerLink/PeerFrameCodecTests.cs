using System.Buffers;
using System.IO.Pipelines;
using WanAccel.Appliance.PeerLink;

namespace WanAccel.Appliance.Tests.PeerLink;

public sealed class PeerFrameCodecTests
{
    [Theory]
    [InlineData(1UL, 0)]
    [InlineData(127UL, 1)]
    [InlineData(128UL, 65536)]
    [InlineData(ulong.MaxValue, 300)]
    public async Task WriteThenRead_DataFrame_RoundTrips(ulong channel, int length)
    {
        var payload = PeerLinkTestBed.RandomBytes(length, seed: length);
        var bytes = await EncodeAsync(w => PeerFrameCodec.Write(w, channel, PeerFrameType.Data, payload));

        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(PeerFrameCodec.TryRead(ref buffer, 65536, out var frame));

        Assert.Equal(channel, frame.ChannelId);
        Assert.Equal(PeerFrameType.Data, frame.Type);
        Assert.Equal(payload, frame.Payload.ToArray());
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public async Task TryRead_EveryTruncation_NeedsMoreBytesNeverThrows()
    {
        var bytes = await EncodeAsync(w => PeerFrameCodec.Write(w, 300, PeerFrameType.Open, "dest"u8));

        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, cut);
            Assert.False(PeerFrameCodec.TryRead(ref buffer, 1024, out _));
            Assert.Equal(cut, buffer.Length);
        }
    }

    [Fact]
    public async Task TryRead_HeaderSplitAcrossSegments_Parses()
    {
        var bytes = await EncodeAsync(w => PeerFrameCodec.WriteVarIntFrame(w, 1UL << 40, PeerFrameType.Credit, 4 << 20));
        var buffer = Segmented(bytes, 1);

        Assert.True(PeerFrameCodec.TryRead(ref buffer, 1024, out var frame));
        Assert.Equal(1UL << 40, frame.ChannelId);
        Assert.Equal(4UL << 20, PeerFrameCodec.ReadVarInt(frame.Payload, out _));
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 0 })]                       // type 0
    [InlineData(new byte[] { 1, 8, 0 })]                       // type 8
    [InlineData(new byte[] { 1, 2, 0x81, 0x80, 0x40 })]        // 1 MiB + 1 > limit
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 2, 0 })] // channel id overflows 64 bits
    public void TryRead_HostileHeader_ProtocolError(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Throws<PeerLinkProtocolException>(() => PeerFrameCodec.TryRead(ref buffer, 1 << 20, out _));
    }

    [Fact]
    public async Task Hello_WriteThenRead_RoundTrips()
    {
        var instance = Guid.NewGuid();
        var bytes = await EncodeAsync(w => new PeerLinkHello(PeerLinkHello.CurrentVersion, 4 << 20, 65536, instance).Write(w));
        var partial = new ReadOnlySequence<byte>(bytes.AsMemory(0, bytes.Length - 1));
        var buffer = Segmented(bytes, 3);

        Assert.False(PeerLinkHello.TryRead(ref partial, out _));
        Assert.True(PeerLinkHello.TryRead(ref buffer, out var hello));
        Assert.Equal(4 << 20, hello.ChannelWindow);
        Assert.Equal(65536, hello.MaxFramePayload);
        Assert.Equal(instance, hello.Instance);
        Assert.Equal(0, buffer.Length);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'G', (byte)'E', (byte)'T', (byte)' ', 1, 0x80, 0x80, 0x10, 0x80, 0x80, 0x04 })] // HTTP
    [InlineData(new byte[] { (byte)'W', (byte)'A', (byte)'P', (byte)'L', 2, 0x80, 0x80, 0x10, 0x80, 0x80, 0x04 })] // version 2
    [InlineData(new byte[] { (byte)'W', (byte)'A', (byte)'P', (byte)'L', 1, 0x10, 0x80, 0x80, 0x04 })]             // window 16 bytes
    public void Hello_Wrong_ProtocolError(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Throws<PeerLinkProtocolException>(() => PeerLinkHello.TryRead(ref buffer, out _));
    }

    private static async Task<byte[]> EncodeAsync(Action<PipeWriter> write)
    {
        var pipe = new Pipe();
        write(pipe.Writer);
        await pipe.Writer.CompleteAsync();
        var bytes = await PeerLinkTestBed.ReadToEndAsync(pipe.Reader, default);
        return bytes;
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int size)
    {
        Segment? first = null;
        Segment? last = null;
        for (var i = 0; i < bytes.Length; i += size)
        {
            var next = new Segment(bytes.AsMemory(i, Math.Min(size, bytes.Length - i)), last);
            first ??= next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
