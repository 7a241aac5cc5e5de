using System.Buffers;
using K4os.Compression.LZ4;

namespace WanAccel.Core.Classification;

/// <summary>The no-signature test: order-0 byte entropy, then an LZ4 probe for repeats the entropy cannot see.</summary>
public static partial class StreamClassifier
{
    /// <summary>Below this saving (1/50 = 2%) the LZ4 probe calls the sample incompressible.</summary>
    private const int MinProbeSavingsDivisor = 50;

    /// <summary>Allowance below the expected entropy of random bytes, in bits per byte.</summary>
    private const double EntropyMargin = 0.03;

    private static bool IsHighEntropy(ReadOnlySpan<byte> sample)
    {
        // The order-0 entropy of n random bytes falls short of 8 bits by about 255 / (2 n ln 2) (Miller–Madow bias):
        // 0.003 at 64 KiB, 0.045 at 4 KiB. Compressed and encrypted data sit above the threshold; text (~4.5 bits),
        // machine code (~6) and file-system metadata (mostly zeros) far below.
        var threshold = 8.0 - (255.0 / (2.0 * sample.Length * Math.Log(2))) - EntropyMargin;
        return Entropy(sample) >= threshold && !Lz4Saves(sample);
    }

    /// <summary>Shannon entropy of the byte histogram, bits per byte.</summary>
    internal static double Entropy(ReadOnlySpan<byte> data)
    {
        // Four interleaved histograms: consecutive equal bytes do not wait on one counter (~2x on runs of one value).
        Span<int> counts = stackalloc int[4 * 256];
        counts.Clear();
        var i = 0;
        for (; i + 4 <= data.Length; i += 4)
        {
            counts[data[i]]++;
            counts[256 + data[i + 1]]++;
            counts[512 + data[i + 2]]++;
            counts[768 + data[i + 3]]++;
        }

        for (; i < data.Length; i++)
        {
            counts[data[i]]++;
        }

        double sum = 0;
        for (var b = 0; b < 256; b++)
        {
            var c = counts[b] + counts[256 + b] + counts[512 + b] + counts[768 + b];
            if (c > 0)
            {
                sum += c * Math.Log2(c);
            }
        }

        return data.IsEmpty ? 0 : Math.Log2(data.Length) - (sum / data.Length);
    }

    /// <summary>
    /// True when fast LZ4 saves at least 2% on the sample: random-looking blocks repeated within 64 KiB (a disk image's
    /// duplicate blocks) have the byte statistics of random data but do deduplicate and compress.
    /// </summary>
    private static bool Lz4Saves(ReadOnlySpan<byte> sample)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(LZ4Codec.MaximumOutputSize(sample.Length));
        try
        {
            var n = LZ4Codec.Encode(sample, buffer, LZ4Level.L00_FAST);
            return n > 0 && n <= sample.Length - (sample.Length / MinProbeSavingsDivisor);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
