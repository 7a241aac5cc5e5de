namespace WanAccel.Core.Classification;

/// <summary>
/// Decides from the first bytes of one direction of a flow whether the rest can benefit from deduplication and
/// compression. Signatures decide within 16 bytes (the longest, an ONC RPC header); without one, a sample of up to <see cref="SampleBytes"/> is tested for
/// entropy and compressibility. Cautious by design: only evidence gives a passthrough class, and a recognised protocol
/// (HTTP and other text protocols, SMB, ONC RPC/NFS) is always <see cref="StreamClass.Dedupable"/>, whatever its payload,
/// because one long-lived connection may carry a compressed file first and a VM image next.
/// Stateless, allocation-free (the LZ4 probe rents its buffer) and thread-safe.
/// </summary>
public static partial class StreamClassifier
{
    /// <summary>Most bytes looked at (64 KiB): the entropy test's sample, and the most a flow buffers before it decides.</summary>
    public const int SampleBytes = 64 * 1024;

    /// <summary>A smaller sample is never called high-entropy (its statistics say too little); it stays dedupable.</summary>
    public const int MinEntropySample = 4 * 1024;

    /// <summary>
    /// Classifies <paramref name="head"/>, the first bytes of a stream (only the first <see cref="SampleBytes"/> are read).
    /// Returns <see cref="StreamClass.Undecided"/> while more bytes could change the answer, unless
    /// <paramref name="isComplete"/> says no more are coming soon (the stream paused or ended): then it decides with what there is.
    /// </summary>
    public static StreamClass Classify(ReadOnlySpan<byte> head, bool isComplete)
    {
        // A protocol signature (TLS, SSH) or a text/RPC one is final however few bytes there are (no signature's match
        // starts another's): the rest of the connection is as encrypted, or as structured, as its start.
        var signature = MatchSignature(head);
        if (signature is not (StreamClass.Undecided or StreamClass.Compressed))
        {
            return signature;
        }

        if (head.Length < SampleBytes && !isComplete)
        {
            return StreamClass.Undecided;
        }

        // A compressed file's magic only names the first file: a small .gz at the head of a tar or a disk image must not
        // send everything after it uncached, so a content signature also needs a sample LZ4 cannot shrink (zstd and
        // gzip output keep some byte skew, so not the full entropy test).
        var sample = head[..Math.Min(head.Length, SampleBytes)];
        if (sample.Length < MinEntropySample)
        {
            return StreamClass.Dedupable;
        }

        return signature == StreamClass.Compressed
            ? Lz4Saves(sample) ? StreamClass.Dedupable : StreamClass.Compressed
            : IsHighEntropy(sample) ? StreamClass.HighEntropy : StreamClass.Dedupable;
    }

    /// <summary>True for the classes whose traffic travels as Passthrough frames: no chunking, compression or storage.</summary>
    public static bool PassesThrough(StreamClass streamClass) => streamClass >= StreamClass.Tls;
}
