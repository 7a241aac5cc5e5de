namespace WanAccel.Core.Classification;

/// <summary>What the first bytes of one direction of a flow say about the rest (see <see cref="StreamClassifier"/>).</summary>
public enum StreamClass : byte
{
    /// <summary>Not decided yet: more bytes are needed.</summary>
    Undecided = 0,

    /// <summary>Anything that may repeat or compress: chunked, deduplicated and compressed as usual.</summary>
    Dedupable = 1,

    /// <summary>A TLS record stream: encrypted after the handshake.</summary>
    Tls = 2,

    /// <summary>An SSH session: encrypted after the key exchange.</summary>
    Ssh = 3,

    /// <summary>A file that starts with the magic of a compressed format (gzip, zstd, xz, zip, JPEG, MP4 …).</summary>
    Compressed = 4,

    /// <summary>No signature, but the sample neither compresses nor has the byte statistics of structured data.</summary>
    HighEntropy = 5,
}
