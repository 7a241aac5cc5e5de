namespace WanAccel.Appliance.PeerLink;

/// <summary>A snapshot of one channel's flow control and byte counts.</summary>
/// <param name="BytesSent">Payload bytes sent in DATA frames.</param>
/// <param name="BytesReceived">Payload bytes received in DATA frames.</param>
/// <param name="SendCredit">Bytes the peer still allows this side to send (its window minus unacknowledged bytes).</param>
/// <param name="InFlightBytes">Bytes sent whose credit has not come back: at most the peer's window.</param>
/// <param name="PendingSendBytes">Bytes the application wrote that are not yet framed (bounded by the output pipe's pause threshold).</param>
/// <param name="UnreadBytes">Bytes received that the application has not consumed yet: at most this side's window.</param>
public readonly record struct PeerChannelStatistics(
    long BytesSent,
    long BytesReceived,
    long SendCredit,
    long InFlightBytes,
    long PendingSendBytes,
    long UnreadBytes);
