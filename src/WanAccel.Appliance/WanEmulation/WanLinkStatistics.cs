namespace WanAccel.Appliance.WanEmulation;

/// <summary>Counters of one direction of the emulated link, taken at one moment.</summary>
public sealed record WanLinkStatistics
{
    /// <summary>Bytes read from senders.</summary>
    public long BytesIn { get; init; }

    /// <summary>Bytes written to receivers.</summary>
    public long BytesOut { get; init; }

    /// <summary>Segments of up to 1448 bytes put on the link.</summary>
    public long Segments { get; init; }

    /// <summary>Segments "lost" and delivered one RTT late.</summary>
    public long LostSegments { get; init; }

    /// <summary>Bytes on the link now (queued for serialisation or on the wire).</summary>
    public long QueuedBytes { get; init; }

    /// <summary>Most bytes ever held at once; never above <see cref="QueueCapacityBytes"/>.</summary>
    public long PeakQueuedBytes { get; init; }

    /// <summary>The queue bound: for the link, and for each connection's bytes from read until its receiver takes them.</summary>
    public long QueueCapacityBytes { get; init; }

    /// <summary>Most bytes any one connection held (read, not yet written to its receiver); never above <see cref="QueueCapacityBytes"/>.</summary>
    public long PeakConnectionBytes { get; init; }

    /// <summary>Most bytes any one connection had sent but not had acknowledged; 0 without a window limit.</summary>
    public long PeakInFlightBytes { get; init; }
}
