using WanAccel.Core.Fingerprints;

namespace WanAccel.Core.Storage;

/// <summary>
/// The content-addressable cache: chunks named by their <see cref="ChunkId"/>, shared by all streams.
/// All members are safe to call concurrently.
/// </summary>
public interface IChunkStore : IDisposable
{
    /// <summary>True when the index holds <paramref name="id"/> (no disk I/O).</summary>
    bool Contains(in ChunkId id);

    /// <summary>Length of the stored chunk, or false when absent (no disk I/O).</summary>
    bool TryGetLength(in ChunkId id, out int length);

    /// <summary>
    /// Copies the chunk into <paramref name="destination"/> and returns its length; returns -1 when the chunk is absent,
    /// evicted, or its record fails verification (the record is then dropped from the index and never served).
    /// <paramref name="destination"/> must hold <see cref="ChunkLimits.MaxChunkSize"/> bytes or the length from <see cref="TryGetLength"/>.
    /// </summary>
    int TryRead(in ChunkId id, Span<byte> destination);

    /// <summary>
    /// Stores a chunk. The caller guarantees <paramref name="data"/> hashes to <paramref name="id"/> (decoders verify first).
    /// Returns false when the chunk was already present.
    /// </summary>
    bool TryAdd(in ChunkId id, ReadOnlySpan<byte> data);

    /// <summary>
    /// Stores consecutive chunks: <paramref name="data"/> holds them back to back, <paramref name="lengths"/> gives their
    /// sizes. Same guarantee from the caller as <see cref="TryAdd"/>. Returns how many were not present before.
    /// </summary>
    int AddRange(ReadOnlySpan<ChunkId> ids, ReadOnlySpan<int> lengths, ReadOnlySpan<byte> data);

    /// <summary>A snapshot of sizes and counters.</summary>
    ChunkStoreStatistics GetStatistics();
}
