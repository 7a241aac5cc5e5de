namespace WanAccel.Core.Compression;

/// <summary>
/// What one encoder write cost, as a flow measures it: input consumed, frame bytes written, time spent encoding, and time
/// spent waiting for the channel to take the frames (back-pressure: the link is behind).
/// </summary>
public readonly record struct CodecSample(long InputBytes, long WireBytes, TimeSpan Encoding, TimeSpan Waiting);
