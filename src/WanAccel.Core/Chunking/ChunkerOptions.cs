namespace WanAccel.Core.Chunking;

/// <summary>
/// Sizes for content-defined chunking (<see cref="Segmenter"/>). Both peers must use the same values:
/// they decide where chunks are cut, so a mismatch turns every chunk into a cache miss.
/// </summary>
public sealed record ChunkerOptions
{
    /// <summary>Default <see cref="MinSize"/>: 2 KiB.</summary>
    public const int DefaultMinSize = 2 * 1024;

    /// <summary>Default <see cref="AverageSize"/>: 8 KiB.</summary>
    public const int DefaultAverageSize = 8 * 1024;

    /// <summary>Default <see cref="MaxSize"/>: 64 KiB.</summary>
    public const int DefaultMaxSize = 64 * 1024;

    /// <summary>Default <see cref="MinZeroRun"/>: 4 KiB (one guest file-system block).</summary>
    public const int DefaultMinZeroRun = 4 * 1024;

    /// <summary>Lower bound for <see cref="MinSize"/> and <see cref="MinZeroRun"/>: the Gear hash looks at the last 64 bytes.</summary>
    public const int SmallestSize = 64;

    /// <summary>Lower bound for <see cref="AverageSize"/>; the normalised masks need at least 6 bits.</summary>
    public const int SmallestAverageSize = 256;

    /// <summary>Bytes below which no cut point is considered (cut-point skipping). Default 2 KiB.
    /// Only the last chunk of a stream and a chunk that ends where a zero run starts may be shorter.</summary>
    public int MinSize { get; init; } = DefaultMinSize;

    /// <summary>Target chunk size in bytes, a power of two; the normalisation point of FastCDC. Default 8 KiB
    /// (mean measured on random data with the defaults: about 9.1 KiB, 1800 chunks in 16 MiB).</summary>
    public int AverageSize { get; init; } = DefaultAverageSize;

    /// <summary>Largest data chunk in bytes, at most <see cref="ChunkLimits.MaxChunkSize"/>. Default 64 KiB.</summary>
    public int MaxSize { get; init; } = DefaultMaxSize;

    /// <summary>Shortest run of zero bytes, in bytes, that becomes its own zero segment (never hashed).
    /// Shorter zero stretches stay inside data chunks. Default 4 KiB.</summary>
    public int MinZeroRun { get; init; } = DefaultMinZeroRun;

    /// <summary>Every problem with these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MinSize < SmallestSize)
        {
            errors.Add($"MinSize must be at least {SmallestSize} bytes, was {MinSize}.");
        }

        if (AverageSize < SmallestAverageSize || !int.IsPow2(AverageSize))
        {
            errors.Add($"AverageSize must be a power of two of at least {SmallestAverageSize} bytes, was {AverageSize}.");
        }

        if (MinSize >= AverageSize)
        {
            errors.Add($"MinSize ({MinSize}) must be less than AverageSize ({AverageSize}).");
        }

        if (AverageSize >= MaxSize)
        {
            errors.Add($"AverageSize ({AverageSize}) must be less than MaxSize ({MaxSize}).");
        }

        if (MaxSize > ChunkLimits.MaxChunkSize)
        {
            errors.Add($"MaxSize must be at most {ChunkLimits.MaxChunkSize} bytes (ChunkLimits.MaxChunkSize), was {MaxSize}.");
        }

        if (MinZeroRun < SmallestSize || MinZeroRun > ChunkLimits.MaxChunkSize)
        {
            errors.Add($"MinZeroRun must be between {SmallestSize} and {ChunkLimits.MaxChunkSize} bytes, was {MinZeroRun}.");
        }

        return errors;
    }
}
