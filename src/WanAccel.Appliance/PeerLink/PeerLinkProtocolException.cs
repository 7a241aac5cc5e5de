namespace WanAccel.Appliance.PeerLink;

/// <summary>The peer sent bytes that break docs/peer-link.md; the connection is closed (never just one channel).</summary>
internal sealed class PeerLinkProtocolException(string message) : IOException(message);
