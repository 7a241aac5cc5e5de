using K4os.Compression.LZ4;
using WanAccel.Core.Wire;
using ZstdSharp;

namespace WanAccel.Core.Compression;

/// <summary>Decompresses literal payloads of any <see cref="CodecKind"/>; input is untrusted.</summary>
public sealed class LiteralDecompressor : IDisposable
{
    private Decompressor? _zstd;

    /// <summary>
    /// Decodes <paramref name="source"/> into exactly <paramref name="destination"/>.Length bytes;
    /// throws <see cref="WireFormatException"/> when the payload is malformed or of another length.
    /// </summary>
    public void Decompress(CodecKind kind, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int n;
        switch (kind)
        {
            case CodecKind.None:
                if (source.Length != destination.Length)
                {
                    throw new WireFormatException(WireError.Malformed, $"raw literal of {source.Length} bytes where {destination.Length} were announced");
                }

                source.CopyTo(destination);
                return;
            case CodecKind.Lz4:
                n = NativeLz4.IsAvailable ? NativeLz4.Decompress(source, destination) : LZ4Codec.Decode(source, destination);
                break;
            case CodecKind.Zstd:
                _zstd ??= new Decompressor();
                try
                {
                    n = _zstd.TryUnwrap(source, destination, out var written) ? written : -1;
                }
                catch (ZstdException)
                {
                    n = -1;
                }

                break;
            default:
                throw new WireFormatException(WireError.Malformed, $"unknown codec {(byte)kind}");
        }

        if (n != destination.Length)
        {
            throw new WireFormatException(WireError.Malformed, $"{kind} payload decoded to {n} bytes where {destination.Length} were announced");
        }
    }

    public void Dispose() => _zstd?.Dispose();
}
