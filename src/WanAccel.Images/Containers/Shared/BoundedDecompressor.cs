using System.IO.Compression;
using ZstdSharp;

namespace WanAccel.Images.Containers.Shared;

/// <summary>
/// Inflates one compressed cluster or grain. Output is bounded to the caller's buffer (one cluster/grain), so a hostile
/// stream can never expand further ("zip bomb"). Shared by QCOW2 and VMDK; format-neutral.
/// </summary>
internal static class BoundedDecompressor
{
    /// <summary>Decompresses into <paramref name="output"/>; returns the bytes produced; corrupt streams throw <see cref="ImageFormatException"/>.</summary>
    public static int Decompress(CompressionCodec codec, byte[] input, int inputLength, Span<byte> output, string what)
    {
        try
        {
            using var ms = new MemoryStream(input, 0, inputLength, writable: false);
            using Stream stream = codec switch
            {
                CompressionCodec.Zstd => new DecompressionStream(ms),
                CompressionCodec.Zlib => new ZLibStream(ms, CompressionMode.Decompress),
                _ => new DeflateStream(ms, CompressionMode.Decompress),
            };
            var total = 0;
            while (total < output.Length)
            {
                var n = stream.Read(output[total..]);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }

            return total;
        }
        catch (Exception e) when (e is InvalidDataException or ZstdException or IOException or ArgumentException)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{what}: cannot decompress ({e.Message})", e);
        }
    }
}
