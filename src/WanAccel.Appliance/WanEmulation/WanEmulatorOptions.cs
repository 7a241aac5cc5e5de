using System.Net;

namespace WanAccel.Appliance.WanEmulation;

/// <summary>
/// Settings of one emulated WAN link pair (one link per direction). Build it in code or from text with
/// <see cref="WanEmulatorSettings"/>; <see cref="Validate"/> lists every problem at once.
/// </summary>
public sealed record WanEmulatorOptions
{
    /// <summary>TCP segment payload used for loss accounting (Ethernet MTU 1500 − IP 20 − TCP 20 − timestamps 12).</summary>
    public const int SegmentSize = 1448;

    /// <summary>Queue used when <see cref="RateBitsPerSecond"/> is unlimited and no <see cref="QueueBytes"/> is set: 16 MiB.</summary>
    public const long UnlimitedRateQueueBytes = 16L << 20;

    /// <summary>Where clients connect. Default 127.0.0.1:0 (an ephemeral port; read <see cref="WanEmulator.LocalEndPoint"/>).</summary>
    public IPEndPoint ListenEndPoint { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>Where each accepted connection is relayed to. Required.</summary>
    public EndPoint? TargetEndPoint { get; init; }

    /// <summary>Serialisation rate of each direction in bits per second (SI); 0 = unlimited. Default 0.</summary>
    public long RateBitsPerSecond { get; init; }

    /// <summary>Round-trip propagation delay; each direction adds half. Default 0.</summary>
    public TimeSpan Rtt { get; init; }

    /// <summary>Probability in [0, 1] that a <see cref="SegmentSize"/> segment is lost and delivered one RTT late. Default 0.</summary>
    public double LossProbability { get; init; }

    /// <summary>Per-connection, per-direction limit on bytes sent but not yet acknowledged; 0 = none. Default 0.</summary>
    public long WindowBytes { get; init; }

    /// <summary>
    /// Per-direction bound on bytes on the link (queued and on the wire), and on the bytes each connection
    /// holds from read until its receiver takes them (so a receiver that stops reading stalls only its own
    /// flow). 0 = max(BDP, 1 MiB), or <see cref="UnlimitedRateQueueBytes"/> without a rate limit. Default 0.
    /// </summary>
    public long QueueBytes { get; init; }

    /// <summary>Seed of the loss generator, for reproducible runs; null = random. Default null.</summary>
    public int? Seed { get; init; }

    /// <summary>Time allowed to connect to the target before the client is reset. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest number of relayed connections at once; further clients wait in the accept backlog. Default 10,000.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Bandwidth-delay product in bytes (rate × RTT), 0 when the rate is unlimited.</summary>
    public long BandwidthDelayProductBytes => RateBitsPerSecond <= 0 ? 0 : (long)(RateBitsPerSecond / 8.0 * Rtt.TotalSeconds);

    /// <summary>The queue bound in force: <see cref="QueueBytes"/> or its default.</summary>
    public long EffectiveQueueBytes => QueueBytes > 0 ? QueueBytes
        : RateBitsPerSecond <= 0 ? UnlimitedRateQueueBytes
        : Math.Max(BandwidthDelayProductBytes, 1L << 20);

    /// <summary>Every problem with these options; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ListenEndPoint is null)
        {
            errors.Add("listen endpoint is required");
        }

        if (TargetEndPoint is null)
        {
            errors.Add("target endpoint is required");
        }
        else if (TargetEndPoint is IPEndPoint { Port: 0 } or DnsEndPoint { Port: 0 })
        {
            errors.Add("target port must not be 0");
        }

        if (RateBitsPerSecond < 0)
        {
            errors.Add($"rate must be 0 (unlimited) or positive, got {RateBitsPerSecond} bit/s");
        }

        if (Rtt < TimeSpan.Zero || Rtt > TimeSpan.FromHours(1))
        {
            errors.Add($"rtt must be between 0 and 1 hour, got {Rtt}");
        }

        if (!(LossProbability is >= 0 and <= 1))
        {
            errors.Add($"loss must be a probability between 0 and 1, got {LossProbability}");
        }

        if (WindowBytes < 0)
        {
            errors.Add($"window must be 0 (none) or positive, got {WindowBytes} bytes");
        }
        else if (WindowBytes is > 0 and < SegmentSize)
        {
            errors.Add($"window must be at least one segment ({SegmentSize} bytes), got {WindowBytes}");
        }

        if (QueueBytes < 0)
        {
            errors.Add($"queue must be 0 (default) or positive, got {QueueBytes} bytes");
        }
        else if (QueueBytes is > 0 and < SegmentSize)
        {
            errors.Add($"queue must be at least one segment ({SegmentSize} bytes), got {QueueBytes}");
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"connect timeout must be positive, got {ConnectTimeout}");
        }

        if (MaxConnections <= 0)
        {
            errors.Add($"max connections must be positive, got {MaxConnections}");
        }

        return errors;
    }
}
