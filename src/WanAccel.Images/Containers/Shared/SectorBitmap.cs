using System.Runtime.CompilerServices;

namespace WanAccel.Images.Containers.Shared;

/// <summary>
/// Run finding in a per-sector presence bitmap. VHD numbers bits from the most significant bit of each byte
/// (sector 0 = 0x80 of byte 0); VHDX from the least (MS-VHDX 2.5.1: "bit 0 of byte 0 is the first sector").
/// Whole 0x00/0xFF bytes are skipped with a vectorised scan, so a full 2 MiB VHD block (512-byte bitmap) costs ~64 ops.
/// </summary>
internal static class SectorBitmap
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Get(ReadOnlySpan<byte> bits, long sector, bool msbFirst)
    {
        var b = bits[(int)(sector >> 3)];
        var shift = (int)(sector & 7);
        return ((msbFirst ? b >> (7 - shift) : b >> shift) & 1) != 0;
    }

    /// <summary>Length of the run of equal bits starting at <paramref name="start"/>, at most <paramref name="limit"/> - start.</summary>
    public static long Run(ReadOnlySpan<byte> bits, long start, long limit, bool msbFirst, out bool value)
    {
        value = Get(bits, start, msbFirst);
        var full = value ? (byte)0xFF : (byte)0x00;
        var s = start + 1;
        while (s < limit)
        {
            if ((s & 7) == 0 && limit - s >= 8)
            {
                var byteIndex = (int)(s >> 3);
                var byteLimit = (int)(limit >> 3);
                var differs = bits[byteIndex..byteLimit].IndexOfAnyExcept(full);
                if (differs < 0)
                {
                    s = (long)byteLimit << 3;
                    continue;
                }

                s = (long)(byteIndex + differs) << 3;
            }

            if (Get(bits, s, msbFirst) != value)
            {
                break;
            }

            s++;
        }

        return s - start;
    }
}
