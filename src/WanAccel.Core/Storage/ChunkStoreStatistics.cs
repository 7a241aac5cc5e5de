namespace WanAccel.Core.Storage;

/// <summary>A snapshot of a chunk store's size and counters since it was opened.</summary>
public sealed record ChunkStoreStatistics
{
    /// <summary>Configured bound of the bytes on disk.</summary>
    public long CapacityBytes { get; init; }

    /// <summary>Bytes of segment data on disk (record headers and padding included; sidecar indexes add 16 bytes per chunk).</summary>
    public long UsedBytes { get; init; }

    /// <summary>Chunks in the index.</summary>
    public long ChunkCount { get; init; }

    /// <summary>Bytes of the in-memory index; divide by <see cref="ChunkCount"/> for the per-chunk cost.</summary>
    public long IndexMemoryBytes { get; init; }

    /// <summary>Reads that returned a chunk.</summary>
    public long Hits { get; init; }

    /// <summary>Reads that returned -1 (absent, evicted, or failed verification).</summary>
    public long Misses { get; init; }

    /// <summary>Chunks dropped because their segment was evicted.</summary>
    public long Evictions { get; init; }

    /// <summary>Records that failed verification on read and were dropped from the index.</summary>
    public long CorruptRecords { get; init; }
}
