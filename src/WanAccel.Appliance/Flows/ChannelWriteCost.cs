namespace WanAccel.Appliance.Flows;

/// <summary>What one write to the peer channel cost: bytes written, time producing them, and time the flush waited (back-pressure).</summary>
internal readonly record struct ChannelWriteCost(long Bytes, TimeSpan Writing, TimeSpan Flushing);
