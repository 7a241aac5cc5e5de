using System.IO.Compression;
using ZstdSharp;

namespace WanAccel.Images.Containers.Qcow2;

/// <summary>
/// Inflates one compressed cluster. Output is bounded to the caller's buffer (one cluster), so a hostile stream can
/// never expand further ("zip bomb"); like qemu, a stream that does not fill the whole cluster is corrupt.
/// </summary>
internal static class Qcow2Decompressor
{
    public const byte Zlib = 0;
    public const byte Zstd = 1;

    public static void Decompress(byte type, byte[] input, int inputLength, Span<byte> output, string what)
    {
        try
        {
            using var ms = new MemoryStream(input, 0, inputLength, writable: false);
            using Stream codec = type == Zstd
                ? new DecompressionStream(ms)
                : new DeflateStream(ms, CompressionMode.Decompress); // qcow2 stores raw deflate (no zlib header)
            var total = 0;
            while (total < output.Length)
            {
                var n = codec.Read(output[total..]);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }

            if (total != output.Length)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"{what}: inflates to {total} bytes, not {output.Length}");
            }
        }
        catch (Exception e) when (e is InvalidDataException or ZstdException or IOException or ArgumentException)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{what}: cannot decompress ({e.Message})", e);
        }
    }
}
