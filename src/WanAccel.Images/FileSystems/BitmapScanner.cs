using System.Buffers.Binary;
using System.Numerics;

namespace WanAccel.Images.FileSystems;

/// <summary>
/// Turns an allocation bitmap (bit i of byte j = unit 8j+i, 1 = used; ext and NTFS agree) into used runs.
/// Works a 64-bit word at a time and skips all-0/all-1 words: a 2 GiB ext4 (512 Ki blocks, 64 KiB of bitmap) is ~8 Ki words.
/// </summary>
internal static class BitmapScanner
{
    /// <summary>Adds the used units among the first <paramref name="bits"/> bits, numbered from <paramref name="firstUnit"/>; returns their count.</summary>
    public static long Scan(ReadOnlySpan<byte> bitmap, long bits, long firstUnit, RangeListBuilder used)
    {
        bits = Math.Min(bits, (long)bitmap.Length * 8);
        long count = 0;
        long pos = 0;
        Span<byte> tail = stackalloc byte[8];
        while (pos < bits)
        {
            var n = (int)Math.Min(64, bits - pos);
            ulong w;
            var byteIndex = (int)(pos >> 3);
            if (n == 64)
            {
                w = BinaryPrimitives.ReadUInt64LittleEndian(bitmap[byteIndex..]);
                if (w == 0)
                {
                    pos += 64;
                    continue;
                }

                if (w == ulong.MaxValue)
                {
                    used.Add(firstUnit + pos, 64);
                    count += 64;
                    pos += 64;
                    continue;
                }
            }
            else
            {
                tail.Clear();
                bitmap.Slice(byteIndex, (n + 7) >> 3).CopyTo(tail);
                w = BinaryPrimitives.ReadUInt64LittleEndian(tail);
            }

            var bit = 0;
            while (bit < n)
            {
                var rest = w >> bit;
                var isUsed = (rest & 1) != 0;
                var run = Math.Min(isUsed ? BitOperations.TrailingZeroCount(~rest) : BitOperations.TrailingZeroCount(rest), n - bit);
                if (isUsed)
                {
                    used.Add(firstUnit + pos + bit, run);
                    count += run;
                }

                bit += run;
            }

            pos += n;
        }

        return count;
    }
}
