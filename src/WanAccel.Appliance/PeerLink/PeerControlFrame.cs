namespace WanAccel.Appliance.PeerLink;

/// <summary>A queued non-DATA frame: <paramref name="Value"/> is the credit, reset code or ping value; <paramref name="Payload"/> OPEN metadata or RESET message.</summary>
internal readonly record struct PeerControlFrame(ulong ChannelId, PeerFrameType Type, long Value = 0, byte[]? Payload = null);
