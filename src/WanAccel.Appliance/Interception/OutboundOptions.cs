namespace WanAccel.Appliance.Interception;

/// <summary>How this appliance connects to destinations on behalf of flows its peers originate.</summary>
public sealed record OutboundOptions
{
    /// <summary>
    /// <c>SO_MARK</c> set on every outbound socket (Linux, needs CAP_NET_ADMIN), so that interception rules can exclude
    /// the appliance's own connections (<c>meta mark != 0x1</c>). 0 (default) sets no mark.
    /// </summary>
    public int SocketMark { get; init; }

    /// <summary>
    /// Networks (CIDR, e.g. <c>10.0.0.0/8</c>, <c>127.0.0.1/32</c>) a peer may ask this appliance to connect to.
    /// Empty (default) allows any destination to authenticated peers.
    /// </summary>
    public IReadOnlyList<string> AllowedDestinations { get; init; } = [];

    /// <summary>Time allowed for the TCP connect to a destination (default 10 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
