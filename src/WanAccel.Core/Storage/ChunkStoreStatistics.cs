namespace WanAccel.Core.Storage;

/// <summary>A snapshot of a chunk store's size and counters since it was opened.</summary>
public sealed record ChunkStoreStatistics
{
    public long CapacityBytes { get; init; }

    public long UsedBytes { get; init; }

    public long ChunkCount { get; init; }

    public long IndexMemoryBytes { get; init; }

    public long Hits { get; init; }

    public long Misses { get; init; }

    public long Evictions { get; init; }

    public long CorruptRecords { get; init; }
}
