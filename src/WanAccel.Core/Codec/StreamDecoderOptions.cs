namespace WanAccel.Core.Codec;

/// <summary>Options of a <see cref="StreamDecoder"/>.</summary>
public sealed record StreamDecoderOptions
{
    /// <summary>Most output held back behind missing chunks (default 256 MiB); a peer announcing a larger window is refused.</summary>
    public long MaxPendingBytes { get; init; } = 256L << 20;

    /// <summary>Delivered bytes between acknowledgements (default 1 MiB).</summary>
    public int AckIntervalBytes { get; init; } = 1 << 20;

    /// <summary>Threads used to verify the chunks of one Literals frame (default: all cores).</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;
}
