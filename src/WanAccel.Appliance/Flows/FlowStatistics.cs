using WanAccel.Core.Classification;
using WanAccel.Core.Compression;

namespace WanAccel.Appliance.Flows;

/// <summary>
/// Byte counts of one flow: LAN side (the local socket) and WAN side (the peer channel), per direction; how the outgoing
/// direction was classified and compressed. Each end classifies what it sends, so counting flows and bytes by
/// <see cref="SentClass"/> on both appliances counts every direction once.
/// </summary>
public sealed class FlowStatistics
{
    private long _lanIn;
    private long _lanOut;
    private long _wanOut;
    private long _wanIn;
    private long _passthroughOut;
    private long _passthroughIn;
    private int _sentClass;
    private int _codec = Pack(CodecSpec.Lz4);
    private int _codecSwitches;

    /// <summary>Bytes read from the local socket (to be sent).</summary>
    public long LanBytesIn => Interlocked.Read(ref _lanIn);

    /// <summary>Bytes written to the local socket (received).</summary>
    public long LanBytesOut => Interlocked.Read(ref _lanOut);

    /// <summary>Bytes written to the peer channel (frames and feedback).</summary>
    public long WanBytesOut => Interlocked.Read(ref _wanOut);

    /// <summary>Bytes read from the peer channel.</summary>
    public long WanBytesIn => Interlocked.Read(ref _wanIn);

    /// <summary>What the bytes read from the local socket were classified as (<see cref="StreamClass.Undecided"/> until decided).</summary>
    public StreamClass SentClass => (StreamClass)Volatile.Read(ref _sentClass);

    /// <summary>Bytes read from the local socket and sent as Passthrough frames (not chunked, compressed or stored).</summary>
    public long PassthroughBytesOut => Interlocked.Read(ref _passthroughOut);

    /// <summary>Bytes that arrived in Passthrough frames and were written to the local socket.</summary>
    public long PassthroughBytesIn => Interlocked.Read(ref _passthroughIn);

    /// <summary>The codec the outgoing literals are compressed with now.</summary>
    public CodecSpec Codec
    {
        get
        {
            var packed = Volatile.Read(ref _codec);
            return new CodecSpec((CodecKind)(packed >> 8), packed & 0xFF);
        }
    }

    /// <summary>Times the adaptive policy changed <see cref="Codec"/>.</summary>
    public int CodecSwitches => Volatile.Read(ref _codecSwitches);

    internal void AddLanIn(long n) => Interlocked.Add(ref _lanIn, n);

    internal void AddLanOut(long n) => Interlocked.Add(ref _lanOut, n);

    internal void AddWanOut(long n) => Interlocked.Add(ref _wanOut, n);

    internal void AddWanIn(long n) => Interlocked.Add(ref _wanIn, n);

    internal void AddPassthroughOut(long n) => Interlocked.Add(ref _passthroughOut, n);

    internal void SetPassthroughIn(long total) => Interlocked.Exchange(ref _passthroughIn, total);

    internal void SetSentClass(StreamClass streamClass) => Volatile.Write(ref _sentClass, (int)streamClass);

    internal void SetCodec(CodecSpec codec, bool switched)
    {
        Volatile.Write(ref _codec, Pack(codec));
        if (switched)
        {
            Interlocked.Increment(ref _codecSwitches);
        }
    }

    private static int Pack(CodecSpec codec) => ((int)codec.Kind << 8) | (codec.Level & 0xFF);
}
