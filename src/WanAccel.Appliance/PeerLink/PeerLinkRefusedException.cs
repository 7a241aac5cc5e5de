namespace WanAccel.Appliance.PeerLink;

/// <summary>A connection attempt failed authentication or the hello; already counted and logged.</summary>
internal sealed class PeerLinkRefusedException(PeerRefusalReason reason, string message, Exception? inner)
    : IOException($"{reason}: {message}", inner)
{
    public PeerRefusalReason Reason { get; } = reason;
}
