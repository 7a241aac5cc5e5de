using System.Runtime.InteropServices;
using WanAccel.Core.Fingerprints;

namespace WanAccel.Core.Knowledge;

/// <summary>
/// A group of consecutive chunks named by the SHA-256 of their concatenated ids. A whole group the peer already holds
/// travels as one 40-byte reference (~512 KiB of data per reference at the defaults), which is what takes a warm
/// transfer below 0.2% of its size: per-chunk references alone would cost 32 bytes per 8 KiB (0.4%).
/// </summary>
public sealed class Manifest
{
    public Manifest(ChunkId id, ChunkId[] chunks, long length)
    {
        Id = id;
        Chunks = chunks;
        Length = length;
    }

    public ChunkId Id { get; }

    public ChunkId[] Chunks { get; }

    /// <summary>Sum of the chunk lengths.</summary>
    public long Length { get; }

    /// <summary>The id of a manifest made of <paramref name="chunks"/>: SHA-256 over their 32-byte ids in order.</summary>
    public static ChunkId ComputeId(ReadOnlySpan<ChunkId> chunks) => ChunkId.Compute(MemoryMarshal.AsBytes(chunks));

    /// <summary>The bytes a manifest is stored as in a chunk store: the ids in order (ChunkId's layout is its little-endian wire form).</summary>
    public static ReadOnlySpan<byte> AsBytes(ReadOnlySpan<ChunkId> chunks) => MemoryMarshal.AsBytes(chunks);
}
