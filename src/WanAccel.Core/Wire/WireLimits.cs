namespace WanAccel.Core.Wire;

/// <summary>Bounds a decoder enforces on every frame, whatever the peer announces.</summary>
public static class WireLimits
{
    /// <summary>Largest raw size of one Literals frame (4 MiB; encoders default to 1 MiB).</summary>
    public const int MaxLiteralBatchBytes = 4 << 20;

    /// <summary>Largest body of one Passthrough frame (the raw literal limit; encoders default to 1 MiB).</summary>
    public const int MaxPassthroughBytes = MaxLiteralBatchBytes;

    /// <summary>Most chunks in one Literals frame.</summary>
    public const int MaxLiteralChunks = 4096;

    /// <summary>Most chunks in one manifest (the decoder's chunk history ring has this size).</summary>
    public const int MaxManifestChunks = 256;

    /// <summary>Largest frame body: a Literals frame of incompressible data plus its entry table and headers.</summary>
    public const int MaxFrameBody = MaxLiteralBatchBytes + (MaxLiteralChunks * (ChunkIdSize + VarInt.MaxLength)) + 64;

    /// <summary>Largest frame on the wire: type, body-length varint, body.</summary>
    public const int MaxFrame = 1 + VarInt.MaxLength + MaxFrameBody;

    private const int ChunkIdSize = 32;
}
