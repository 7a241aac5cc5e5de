namespace WanAccel.Appliance.PeerLink;

/// <summary>Why a channel was reset. Values 0–5 travel in RESET frames; <see cref="ConnectionLost"/> is local only.</summary>
public enum PeerResetCode
{
    /// <summary>No error given.</summary>
    None = 0,

    /// <summary>The application gave up on the flow (cancelled, disposed early).</summary>
    Cancelled = 1,

    /// <summary>The receiving side would not accept the channel (no handler, too many channels, bad metadata).</summary>
    Refused = 2,

    /// <summary>The peer broke the channel's rules (e.g. sent beyond its window).</summary>
    FlowControlError = 3,

    /// <summary>The application on one side failed (handler exception, output completed with an exception).</summary>
    InternalError = 4,

    /// <summary>The flow's destination failed (connection refused, reset); for the application layered on top.</summary>
    DestinationError = 5,

    /// <summary>The TLS connection carrying the channel closed or failed before the channel finished.</summary>
    ConnectionLost = 100,
}
