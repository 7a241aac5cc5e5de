namespace WanAccel.Appliance.PeerLink;

/// <summary>Why a connection attempt (incoming or outgoing) was refused before any channel could use it.</summary>
public enum PeerRefusalReason
{
    /// <summary>TCP + TLS + hello did not finish within <see cref="PeerLinkOptions.HandshakeTimeout"/>.</summary>
    HandshakeTimeout = 0,

    /// <summary>TLS failed: not TLS at all (garbage, plain TCP), TLS &lt; 1.3, alert from the other side, or a reset.</summary>
    TlsFailed = 1,

    /// <summary>The remote side presented no certificate.</summary>
    NoCertificate = 2,

    /// <summary>The remote certificate's SHA-256 fingerprint is not pinned.</summary>
    UnpinnedCertificate = 3,

    /// <summary>TLS was fine but the peer-link hello was wrong (magic, version, parameters) or missing.</summary>
    ProtocolMismatch = 4,

    /// <summary>Too many handshakes in progress (<see cref="PeerLinkOptions.MaxPendingHandshakes"/>).</summary>
    Overloaded = 5,
}
