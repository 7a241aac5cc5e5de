using System.Buffers.Binary;

namespace WanAccel.Images.Containers.Vhd;

/// <summary>The 512-byte VHD hard disk footer (VHD spec 1.0, "Hard Disk Footer Format"); all fields big-endian.</summary>
internal sealed record VhdFooter(
    uint FileFormatVersion,
    ulong DataOffset,
    string CreatorApp,
    ulong CurrentSize,
    ushort Cylinders,
    byte Heads,
    byte SectorsPerTrack,
    uint DiskType,
    Guid UniqueId)
{
    public const int Size = 512;
    public const uint TypeFixed = 2;
    public const uint TypeDynamic = 3;
    public const uint TypeDifferencing = 4;

    public static ReadOnlySpan<byte> Cookie => "conectix"u8;

    /// <summary>Parses a footer; null when the cookie or the checksum is wrong (the caller may try the other copy).</summary>
    public static VhdFooter? TryParse(ReadOnlySpan<byte> b)
    {
        if (b.Length < Size || !b[..8].SequenceEqual(Cookie))
        {
            return null;
        }

        if (Checksum(b[..Size], 64) != BinaryPrimitives.ReadUInt32BigEndian(b[64..]))
        {
            return null;
        }

        return new VhdFooter(
            BinaryPrimitives.ReadUInt32BigEndian(b[12..]),
            BinaryPrimitives.ReadUInt64BigEndian(b[16..]),
            System.Text.Encoding.ASCII.GetString(b.Slice(28, 4)),
            BinaryPrimitives.ReadUInt64BigEndian(b[48..]),
            BinaryPrimitives.ReadUInt16BigEndian(b[56..]),
            b[58],
            b[59],
            BinaryPrimitives.ReadUInt32BigEndian(b[60..]),
            new Guid(b.Slice(68, 16), bigEndian: true));
    }

    /// <summary>VHD checksum: one's complement of the byte sum, with the 4-byte checksum field at <paramref name="checksumAt"/> taken as zero.</summary>
    public static uint Checksum(ReadOnlySpan<byte> b, int checksumAt)
    {
        uint sum = 0;
        for (var i = 0; i < b.Length; i++)
        {
            if (i < checksumAt || i >= checksumAt + 4)
            {
                sum += b[i];
            }
        }

        return ~sum;
    }
}
