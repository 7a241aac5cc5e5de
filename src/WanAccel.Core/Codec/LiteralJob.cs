using WanAccel.Core.Compression;

namespace WanAccel.Core.Codec;

/// <summary>Compression of one Literals op, done by a pool task; the op list itself is never touched off the encoder's thread.</summary>
internal struct LiteralJob
{
    public int InputStart;

    public int Length;

    /// <summary>Pooled buffer with the compressed payload, or null when the literals travel raw.</summary>
    public byte[]? Compressed;

    public int CompressedLength;

    public CodecKind Codec;
}
