namespace WanAccel.Appliance.PeerLink;

/// <summary>
/// Counters of a listener or a connector over all its connections; thread-safe, read any time (metrics scrape).
/// Byte counts are peer-link plaintext (frame headers included, TLS overhead excluded).
/// </summary>
public sealed class PeerLinkStatistics
{
    private readonly long[] _refused = new long[Enum.GetValues<PeerRefusalReason>().Length];
    private long _bytesSent;
    private long _bytesReceived;
    private long _channelsOpen;
    private long _channelsTotal;
    private long _connectionsUp;
    private long _connectionsTotal;
    private long _smoothedRttTicks = -1;

    /// <summary>Bytes written to the TLS connections.</summary>
    public long BytesSent => Volatile.Read(ref _bytesSent);

    /// <summary>Bytes read from the TLS connections.</summary>
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>Channels currently open (either side opened them).</summary>
    public long ChannelsOpen => Volatile.Read(ref _channelsOpen);

    /// <summary>Channels opened since start (either side).</summary>
    public long ChannelsTotal => Volatile.Read(ref _channelsTotal);

    /// <summary>Authenticated connections currently up.</summary>
    public long ConnectionsUp => Volatile.Read(ref _connectionsUp);

    /// <summary>Authenticated connections established since start.</summary>
    public long ConnectionsTotal => Volatile.Read(ref _connectionsTotal);

    /// <summary>Smoothed RTT (RFC 6298 weights, 1/8) of the connection that last measured one; null before the first PONG.</summary>
    public TimeSpan? SmoothedRtt => Volatile.Read(ref _smoothedRttTicks) is var t and >= 0 ? TimeSpan.FromTicks(t) : null;

    /// <summary>Connection attempts refused for <paramref name="reason"/> (incoming on a listener, outgoing on a connector).</summary>
    public long Refused(PeerRefusalReason reason) => Volatile.Read(ref _refused[(int)reason]);

    /// <summary>All refusals.</summary>
    public long RefusedTotal
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _refused.Length; i++)
            {
                sum += Volatile.Read(ref _refused[i]);
            }

            return sum;
        }
    }

    internal void AddSent(long bytes) => Interlocked.Add(ref _bytesSent, bytes);

    internal void AddReceived(long bytes) => Interlocked.Add(ref _bytesReceived, bytes);

    internal void ChannelOpened()
    {
        Interlocked.Increment(ref _channelsOpen);
        Interlocked.Increment(ref _channelsTotal);
    }

    internal void ChannelClosed() => Interlocked.Decrement(ref _channelsOpen);

    internal void ConnectionUp()
    {
        Interlocked.Increment(ref _connectionsUp);
        Interlocked.Increment(ref _connectionsTotal);
    }

    internal void ConnectionDown() => Interlocked.Decrement(ref _connectionsUp);

    internal void AddRefused(PeerRefusalReason reason) => Interlocked.Increment(ref _refused[(int)reason]);

    internal void SetSmoothedRtt(TimeSpan rtt) => Volatile.Write(ref _smoothedRttTicks, rtt.Ticks);
}
