using ZstdSharp;

namespace WanAccel.Core.Compression;

/// <summary>Zstandard compression at a configurable level (1..22). Holds a native-free managed context: one per thread.</summary>
public sealed class ZstdCompressor : LiteralCompressor
{
    private readonly Compressor _compressor;

    public ZstdCompressor(int level)
    {
        Level = level;
        _compressor = new Compressor(level);
    }

    public int Level { get; }

    public override CodecKind Kind => CodecKind.Zstd;

    public override int MaxCompressedLength(int length) => Compressor.GetCompressBound(length);

    protected override int Compress(ReadOnlySpan<byte> source, Span<byte> destination) =>
        _compressor.Wrap(source, destination);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _compressor.Dispose();
        }

        base.Dispose(disposing);
    }
}
