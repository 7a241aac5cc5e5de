using System.Buffers.Binary;

namespace WanAccel.Images.Containers.Vhdx;

/// <summary>A 4 KiB VHDX header (MS-VHDX 2.2.2), one of two copies at 64 KiB and 128 KiB; little-endian, CRC-32C protected.</summary>
internal sealed record VhdxHeader(ulong SequenceNumber, Guid DataWriteGuid, Guid LogGuid, ushort LogVersion, ushort Version, uint LogLength, ulong LogOffset)
{
    public const int Size = 4096;
    public const long Header1Offset = 64 * 1024;
    public const long Header2Offset = 128 * 1024;

    /// <summary>Parses one copy; null when its signature or CRC is wrong.</summary>
    public static VhdxHeader? TryParse(ReadOnlySpan<byte> b)
    {
        if (b.Length < Size || !b[..4].SequenceEqual("head"u8) || !Crc32C.Verify(b[..Size], 4))
        {
            return null;
        }

        return new VhdxHeader(
            BinaryPrimitives.ReadUInt64LittleEndian(b[8..]),
            new Guid(b.Slice(32, 16)),
            new Guid(b.Slice(48, 16)),
            BinaryPrimitives.ReadUInt16LittleEndian(b[64..]),
            BinaryPrimitives.ReadUInt16LittleEndian(b[66..]),
            BinaryPrimitives.ReadUInt32LittleEndian(b[68..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[72..]));
    }
}
