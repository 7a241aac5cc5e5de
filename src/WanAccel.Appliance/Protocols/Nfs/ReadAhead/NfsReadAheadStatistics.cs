namespace WanAccel.Appliance.Protocols.Nfs.ReadAhead;

/// <summary>
/// Read-ahead counts of one NFS flow (on the edge, READs answered locally or forwarded; on the core, READs issued
/// ahead), each also added to the appliance's totals when given.
/// </summary>
public sealed class NfsReadAheadStatistics(NfsReadAheadStatistics? totals = null)
{
    private long _answered;
    private long _forwarded;
    private long _issued;
    private long _injectedBytes;
    private long _dropped;

    /// <summary>Edge: client READs answered from read-ahead replies (not sent over the WAN).</summary>
    public long ReadsAnswered => Interlocked.Read(ref _answered);

    /// <summary>Edge: client READs forwarded to the server.</summary>
    public long ReadsForwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Core: READs it sent to the server itself.</summary>
    public long ReadsIssued => Interlocked.Read(ref _issued);

    /// <summary>Core: bytes of read-ahead replies put into the flow.</summary>
    public long BytesInjected => Interlocked.Read(ref _injectedBytes);

    /// <summary>Either side: read-ahead replies thrown away (file changed, cache full, pattern broke).</summary>
    public long RepliesDropped => Interlocked.Read(ref _dropped);

    internal void Answered()
    {
        Interlocked.Increment(ref _answered);
        totals?.Answered();
    }

    internal void Forwarded()
    {
        Interlocked.Increment(ref _forwarded);
        totals?.Forwarded();
    }

    internal void Issued()
    {
        Interlocked.Increment(ref _issued);
        totals?.Issued();
    }

    internal void Injected(long bytes)
    {
        Interlocked.Add(ref _injectedBytes, bytes);
        totals?.Injected(bytes);
    }

    internal void Dropped()
    {
        Interlocked.Increment(ref _dropped);
        totals?.Dropped();
    }
}
