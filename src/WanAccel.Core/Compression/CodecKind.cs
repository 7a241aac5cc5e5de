namespace WanAccel.Core.Compression;

/// <summary>How a literal payload is encoded on the wire. The byte values are part of the wire format.</summary>
public enum CodecKind : byte
{
    /// <summary>Stored as is: incompressible data (overhead: the frame header only).</summary>
    None = 0,

    /// <summary>LZ4 block format (K4os.Compression.LZ4): ~0.7 GB/s per core compress, ~4 GB/s decompress.</summary>
    Lz4 = 1,

    /// <summary>Zstandard frame (ZstdSharp): denser, for links where the link, not the CPU, is the bottleneck.</summary>
    Zstd = 2,
}
