namespace WanAccel.Core.Storage;

/// <summary>Configuration of a <see cref="LogChunkStore"/>; check it with <see cref="Validate"/> (Open does).</summary>
public sealed record ChunkStoreOptions
{
    /// <summary>Smallest segment: 64 KiB (tests use tiny stores; production keeps the default).</summary>
    public const long MinSegmentBytes = 64 * 1024;

    /// <summary>Segment size chosen when <see cref="SegmentBytes"/> is 0 and the capacity is 1 GiB or more: 64 MiB.</summary>
    public const long DefaultSegmentBytes = 64L << 20;

    /// <summary>Largest segment: 1 GiB, the reach of the 27-bit offset (in 8-byte units) of an index entry.</summary>
    public const long MaxSegmentBytes = ChunkLocation.MaxSegmentBytes;

    /// <summary>Most live segments (capacity / segment size): half the 16-bit segment tag space of an index entry.</summary>
    public const long MaxSegments = 16_384;

    /// <summary>Directory holding the segment files (created if missing). Required.</summary>
    public string Path { get; init; } = "";

    /// <summary>Upper bound of segment bytes on disk; the oldest segment is evicted beyond it. Default 10 GiB.</summary>
    public long CapacityBytes { get; init; } = 10L << 30;

    /// <summary>
    /// Size at which a segment is sealed and a new one started; the unit of eviction. Default 0: automatic,
    /// CapacityBytes / 16 clamped to [64 KiB, 64 MiB] (see <see cref="EffectiveSegmentBytes"/>), so at most 1/16 of
    /// the cache goes per eviction and small stores need no tuning.
    /// </summary>
    public long SegmentBytes { get; init; }

    /// <summary><see cref="SegmentBytes"/>, or the automatic size when it is 0.</summary>
    public long EffectiveSegmentBytes => SegmentBytes > 0 ? SegmentBytes : Math.Clamp(CapacityBytes / 16, MinSegmentBytes, DefaultSegmentBytes);

    /// <summary>When data is fsynced. Default <see cref="ChunkStoreFlushMode.OnSeal"/>.</summary>
    public ChunkStoreFlushMode FlushMode { get; init; } = ChunkStoreFlushMode.OnSeal;

    /// <summary>Period of the fsync in <see cref="ChunkStoreFlushMode.Periodic"/> mode. Default 5 s.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Check each record's XxHash3 checksum (header + payload) on read, ~20 GB/s. Default true.
    /// When false only the magic, length and stored id are compared.
    /// </summary>
    public bool VerifyOnRead { get; init; } = true;

    /// <summary>
    /// Also recompute the SHA-256 of every chunk read (~1.8 GB/s per core, so it roughly halves TryRead throughput).
    /// The checksum already catches torn writes and media errors; this additionally guards against bugs that
    /// write wrong bytes under a correct checksum. Default false.
    /// </summary>
    public bool VerifyHashOnRead { get; init; }

    /// <summary>Every configuration error at once; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Path))
        {
            errors.Add("Path is required.");
        }

        long segmentBytes = EffectiveSegmentBytes;
        if (SegmentBytes != 0 && (SegmentBytes < MinSegmentBytes || SegmentBytes > MaxSegmentBytes))
        {
            errors.Add($"SegmentBytes must be 0 (automatic) or between {MinSegmentBytes} and {MaxSegmentBytes} (is {SegmentBytes}).");
        }
        else if (CapacityBytes < 2 * segmentBytes)
        {
            errors.Add($"CapacityBytes must be at least twice the segment size so eviction keeps data (is {CapacityBytes}, segments {segmentBytes}).");
        }
        else if (CapacityBytes / segmentBytes > MaxSegments)
        {
            errors.Add($"CapacityBytes / SegmentBytes must be at most {MaxSegments} (is {CapacityBytes / segmentBytes}); use larger segments.");
        }

        if (!Enum.IsDefined(FlushMode))
        {
            errors.Add($"FlushMode {(int)FlushMode} is not defined.");
        }

        if (FlushMode == ChunkStoreFlushMode.Periodic && FlushInterval <= TimeSpan.Zero)
        {
            errors.Add($"FlushInterval must be positive in Periodic mode (is {FlushInterval}).");
        }

        return errors;
    }
}
