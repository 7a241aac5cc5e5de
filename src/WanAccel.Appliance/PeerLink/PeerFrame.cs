using System.Buffers;

namespace WanAccel.Appliance.PeerLink;

/// <summary>One parsed frame; <see cref="Payload"/> points into the connection's read buffer until it is advanced.</summary>
internal readonly record struct PeerFrame(ulong ChannelId, PeerFrameType Type, ReadOnlySequence<byte> Payload);
