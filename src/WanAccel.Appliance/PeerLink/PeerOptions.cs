using WanAccel.Appliance.Identity;

namespace WanAccel.Appliance.PeerLink;

/// <summary>One remote appliance: how to reach it (if this side connects) and which certificates it may present.</summary>
public sealed record PeerOptions
{
    /// <summary>Name used in logs, metrics and <see cref="PeerLinkListener.OpenChannelAsync"/>. Required, unique.</summary>
    public string Name { get; init; } = "";

    /// <summary>
    /// <c>host:port</c> or <c>[v6]:port</c> to connect to. Null on the side that only listens for this peer
    /// (it still opens channels towards the peer over the peer's connections).
    /// </summary>
    public string? Endpoint { get; init; }

    /// <summary>
    /// SHA-256 fingerprints (see <see cref="CertificateFingerprint"/>; colons and case are ignored) the peer may present.
    /// More than one allows re-keying without downtime. At least one required.
    /// </summary>
    public IReadOnlyList<string> PinnedFingerprints { get; init; } = [];
}
