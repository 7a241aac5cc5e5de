namespace WanAccel.Core.Codec;

/// <summary>What a decoder rebuilt, by bytes and chunks.</summary>
public sealed class DecodeStatistics
{
    public long OutputBytes { get; internal set; }

    public long WireBytes { get; internal set; }

    public long ZeroBytes { get; internal set; }

    public long LiteralChunks { get; internal set; }

    public long LiteralBytes { get; internal set; }

    public long RefChunks { get; internal set; }

    public long RefBytes { get; internal set; }

    public long ManifestRefs { get; internal set; }

    public long Misses { get; internal set; }

    public long MissedBytes { get; internal set; }

    public long ResentBytes { get; internal set; }

    /// <summary>Bytes that arrived in Passthrough frames (neither verified as chunks nor stored).</summary>
    public long PassthroughBytes { get; internal set; }

    /// <summary>Literals frames whose payload was LZ4.</summary>
    public long Lz4Frames { get; internal set; }

    /// <summary>Literals frames whose payload was zstd.</summary>
    public long ZstdFrames { get; internal set; }
}
