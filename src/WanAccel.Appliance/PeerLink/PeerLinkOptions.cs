using System.Net;
using WanAccel.Appliance.Identity;

namespace WanAccel.Appliance.PeerLink;

/// <summary>Configuration of the peer link (listener and connectors); check it with <see cref="Validate"/>.</summary>
public sealed record PeerLinkOptions
{
    /// <summary>Smallest channel window: 64 KiB, one full DATA frame.</summary>
    public const int MinChannelWindowBytes = 64 * 1024;

    /// <summary>Largest DATA payload this side will ever accept or send: 1 MiB.</summary>
    public const int MaxFramePayloadLimit = 1 << 20;

    /// <summary>Address:port to listen on for peers, e.g. <c>0.0.0.0:7443</c>; null = do not listen. Port 0 picks one.</summary>
    public string? Listen { get; init; }

    /// <summary>The remote appliances. Every peer that may connect or be connected to must be listed with its pins.</summary>
    public IReadOnlyList<PeerOptions> Peers { get; init; } = [];

    /// <summary>Connections a connector keeps open to each peer with an endpoint. Default 2.</summary>
    public int ConnectionsPerPeer { get; init; } = 2;

    /// <summary>
    /// Receive window per channel in bytes: how much a peer may send on a channel before this side's application
    /// reads it. 4 MiB covers 10 Mbit/s × 140 ms (175 KB) twenty times over and 200 Mbit/s × 160 ms. Default 4 MiB.
    /// </summary>
    public int ChannelWindowBytes { get; init; } = 4 << 20;

    /// <summary>Largest DATA payload sent, also the round-robin quantum between channels. Default 64 KiB.</summary>
    public int MaxFramePayloadBytes { get; init; } = 64 * 1024;

    /// <summary>Largest OPEN metadata accepted. Default 16 KiB.</summary>
    public int MaxOpenMetadataBytes { get; init; } = 16 * 1024;

    /// <summary>Most concurrently open channels per connection; more are refused with RESET. Default 4096.</summary>
    public int MaxChannelsPerConnection { get; init; } = 4096;

    /// <summary>Time allowed for TCP connect + TLS 1.3 + hello; slower peers are refused. Default 10 s.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Most incoming handshakes in progress at once; more are dropped. Default 64.</summary>
    public int MaxPendingHandshakes { get; init; } = 64;

    /// <summary>Period of PING on every connection (RTT measurement, keeps NAT and firewalls warm). Default 5 s.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A connection on which nothing was received for this long is closed. Default 20 s (4 pings).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>First reconnect delay after a failure; doubles per failure, jittered to 50–100 %. Default 500 ms.</summary>
    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Cap of the reconnect delay. Default 30 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Names this side's chunk store in the hello (the host sets it from the store; not configuration). A peer that
    /// sees it change forgets what it believed this side holds. Empty: unknown.
    /// </summary>
    internal Guid InstanceId { get; init; }

    /// <summary><c>SO_MARK</c> of the connections this side dials (the host copies <c>Outbound.SocketMark</c>); 0 = none.</summary>
    internal int SocketMark { get; init; }

    /// <summary>Every configuration error at once; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Listen is not null && (!PeerEndpoint.TryParse(Listen, out var listen, out _) || listen is not IPEndPoint))
        {
            errors.Add($"Listen must be an IP address and port such as 0.0.0.0:7443 (is '{Listen}').");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pins = new Dictionary<string, string>();
        for (var i = 0; i < Peers.Count; i++)
        {
            var peer = Peers[i];
            var label = string.IsNullOrWhiteSpace(peer?.Name) ? $"Peers[{i}]" : $"Peer '{peer.Name}'";
            if (peer is null)
            {
                errors.Add($"{label} is null.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(peer.Name))
            {
                errors.Add($"{label}: Name is required.");
            }
            else if (!names.Add(peer.Name))
            {
                errors.Add($"{label}: Name is used by more than one peer.");
            }

            if (peer.Endpoint is not null && !PeerEndpoint.TryParse(peer.Endpoint, out _, out var why))
            {
                errors.Add($"{label}: Endpoint '{peer.Endpoint}' is invalid: {why}");
            }

            if (peer.PinnedFingerprints.Count == 0)
            {
                errors.Add($"{label}: at least one PinnedFingerprints entry is required (see 'wanaccel pair show' on the peer).");
            }

            foreach (var pin in peer.PinnedFingerprints)
            {
                var normalized = CertificateFingerprint.Normalize(pin);
                if (normalized is null)
                {
                    errors.Add($"{label}: pinned fingerprint '{pin}' is not 64 hex digits (SHA-256).");
                }
                else if (pins.TryGetValue(normalized, out var other) && other != peer.Name)
                {
                    errors.Add($"{label}: pinned fingerprint {normalized} is also pinned for peer '{other}'.");
                }
                else
                {
                    pins[normalized] = peer.Name;
                }
            }
        }

        if (ConnectionsPerPeer is < 1 or > 64)
        {
            errors.Add($"ConnectionsPerPeer must be between 1 and 64 (is {ConnectionsPerPeer}).");
        }

        if (MaxFramePayloadBytes is < 1024 or > MaxFramePayloadLimit)
        {
            errors.Add($"MaxFramePayloadBytes must be between 1024 and {MaxFramePayloadLimit} (is {MaxFramePayloadBytes}).");
        }

        if (ChannelWindowBytes < MinChannelWindowBytes || ChannelWindowBytes < MaxFramePayloadBytes)
        {
            errors.Add($"ChannelWindowBytes must be at least {MinChannelWindowBytes} and at least MaxFramePayloadBytes (is {ChannelWindowBytes}).");
        }

        if (MaxOpenMetadataBytes is < 0 or > MaxFramePayloadLimit)
        {
            errors.Add($"MaxOpenMetadataBytes must be between 0 and {MaxFramePayloadLimit} (is {MaxOpenMetadataBytes}).");
        }

        if (MaxChannelsPerConnection < 1)
        {
            errors.Add($"MaxChannelsPerConnection must be positive (is {MaxChannelsPerConnection}).");
        }

        if (MaxPendingHandshakes < 1)
        {
            errors.Add($"MaxPendingHandshakes must be positive (is {MaxPendingHandshakes}).");
        }

        if (HandshakeTimeout <= TimeSpan.Zero)
        {
            errors.Add($"HandshakeTimeout must be positive (is {HandshakeTimeout}).");
        }

        if (PingInterval <= TimeSpan.Zero)
        {
            errors.Add($"PingInterval must be positive (is {PingInterval}).");
        }

        if (IdleTimeout <= PingInterval)
        {
            errors.Add($"IdleTimeout must be longer than PingInterval (is {IdleTimeout}, PingInterval {PingInterval}).");
        }

        if (ReconnectMinDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectMinDelay)
        {
            errors.Add($"ReconnectMinDelay must be positive and at most ReconnectMaxDelay (are {ReconnectMinDelay} and {ReconnectMaxDelay}).");
        }

        return errors;
    }

    /// <summary>Pinned fingerprint (normalized) → peer name, for the certificate check.</summary>
    internal Dictionary<string, string> BuildPinMap()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var peer in Peers)
        {
            foreach (var pin in peer.PinnedFingerprints)
            {
                if (CertificateFingerprint.Normalize(pin) is { } normalized)
                {
                    map[normalized] = peer.Name;
                }
            }
        }

        return map;
    }

    internal void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid peer link options:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }
    }
}
