namespace WanAccel.Appliance.Flows;

/// <summary>Byte counts of one flow: LAN side (the local socket) and WAN side (the peer channel), per direction.</summary>
public sealed class FlowStatistics
{
    private long _lanIn;
    private long _lanOut;
    private long _wanOut;
    private long _wanIn;

    /// <summary>Bytes read from the local socket (to be sent).</summary>
    public long LanBytesIn => Interlocked.Read(ref _lanIn);

    /// <summary>Bytes written to the local socket (received).</summary>
    public long LanBytesOut => Interlocked.Read(ref _lanOut);

    /// <summary>Bytes written to the peer channel (frames and feedback).</summary>
    public long WanBytesOut => Interlocked.Read(ref _wanOut);

    /// <summary>Bytes read from the peer channel.</summary>
    public long WanBytesIn => Interlocked.Read(ref _wanIn);

    internal void AddLanIn(long n) => Interlocked.Add(ref _lanIn, n);

    internal void AddLanOut(long n) => Interlocked.Add(ref _lanOut, n);

    internal void AddWanOut(long n) => Interlocked.Add(ref _wanOut, n);

    internal void AddWanIn(long n) => Interlocked.Add(ref _wanIn, n);
}
