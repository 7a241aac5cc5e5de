using System.Buffers.Binary;

namespace WanAccel.Images.Containers.Vhdx;

/// <summary>The 64 KiB region table (MS-VHDX 2.2.3), two copies at 192 KiB and 256 KiB; CRC-32C protected.</summary>
internal static class VhdxRegionTable
{
    public const int Size = 64 * 1024;
    public const long Table1Offset = 192 * 1024;
    public const long Table2Offset = 256 * 1024;
    public const int MaxEntries = 2047;

    /// <summary>Parses one copy; null when its signature or CRC is wrong.</summary>
    public static IReadOnlyList<VhdxRegion>? TryParse(ReadOnlySpan<byte> b, string path)
    {
        if (b.Length < Size || !b[..4].SequenceEqual("regi"u8) || !Crc32C.Verify(b[..Size], 4))
        {
            return null;
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(b[8..]);
        if (count > MaxEntries)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX region table has {count} entries (max {MaxEntries})");
        }

        var regions = new VhdxRegion[count];
        for (var i = 0; i < count; i++)
        {
            var e = b.Slice(16 + (i * 32), 32);
            var offset = BinaryPrimitives.ReadUInt64LittleEndian(e[16..]);
            if (offset > long.MaxValue / 2)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX region {i} offset {offset} out of range");
            }

            regions[i] = new VhdxRegion(new Guid(e[..16]), (long)offset, BinaryPrimitives.ReadUInt32LittleEndian(e[24..]), (BinaryPrimitives.ReadUInt32LittleEndian(e[28..]) & 1) != 0);
        }

        return regions;
    }
}
