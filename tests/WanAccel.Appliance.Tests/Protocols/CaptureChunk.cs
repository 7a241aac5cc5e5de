using WanAccel.Appliance.Protocols;

namespace WanAccel.Appliance.Tests.Protocols;

/// <summary>Bytes [<paramref name="Offset"/>, +<paramref name="Length"/>) of one direction, as they arrived.</summary>
internal readonly record struct CaptureChunk(StreamDirection Direction, int Offset, int Length);
