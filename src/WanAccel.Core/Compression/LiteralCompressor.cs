namespace WanAccel.Core.Compression;

/// <summary>
/// Compresses literal payloads. One instance per thread (zstd contexts are not thread-safe);
/// use <see cref="CompressorFactory"/> to make them.
/// </summary>
public abstract class LiteralCompressor : IDisposable
{
    /// <summary>
    /// Keep a compressed payload only when it saves at least 1/32 (~3%) of the input;
    /// otherwise it travels raw, so incompressible data costs no decode work and almost no overhead.
    /// </summary>
    public const int MinSavingsShift = 5;

    public abstract CodecKind Kind { get; }

    /// <summary>Worst-case compressed size of <paramref name="length"/> input bytes.</summary>
    public abstract int MaxCompressedLength(int length);

    /// <summary>
    /// Compresses <paramref name="source"/> into <paramref name="destination"/> (at least <see cref="MaxCompressedLength"/> bytes).
    /// Returns the compressed length, or -1 when compression does not pay (send raw).
    /// </summary>
    public int TryCompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var n = Compress(source, destination);
        return n <= 0 || n > source.Length - (source.Length >> MinSavingsShift) ? -1 : n;
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract int Compress(ReadOnlySpan<byte> source, Span<byte> destination);

    protected virtual void Dispose(bool disposing)
    {
    }
}
