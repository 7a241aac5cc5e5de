namespace WanAccel.Core.Codec;

/// <summary>What an encoder did with its input, by bytes and chunks.</summary>
public sealed class EncodeStatistics
{
    public long InputBytes { get; internal set; }

    public long WireBytes { get; internal set; }

    public long ZeroBytes { get; internal set; }

    public long Chunks { get; internal set; }

    public long LiteralChunks { get; internal set; }

    public long LiteralBytes { get; internal set; }

    /// <summary>Literal bytes that went out raw because compression did not pay.</summary>
    public long RawLiteralBytes { get; internal set; }

    public long RefChunks { get; internal set; }

    public long RefBytes { get; internal set; }

    public long ManifestRefs { get; internal set; }

    public long ManifestRefBytes { get; internal set; }

    public long ManifestDefs { get; internal set; }

    public long ResentBytes { get; internal set; }

    /// <summary>Input sent in Passthrough frames: not chunked, stored or compressed.</summary>
    public long PassthroughBytes { get; internal set; }

    /// <summary>Literals frames sent with an LZ4 payload.</summary>
    public long Lz4Frames { get; internal set; }

    /// <summary>Literals frames sent with a zstd payload.</summary>
    public long ZstdFrames { get; internal set; }
}
