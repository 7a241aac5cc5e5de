using System.Buffers.Binary;

namespace WanAccel.Images.FileSystems.Ntfs;

/// <summary>An MFT record ("FILE"): update-sequence fixups and the attribute walk.</summary>
internal static class NtfsRecord
{
    /// <summary>Fixups protect every 512-byte stride, whatever the sector size (NTFS_BLOCK_SIZE).</summary>
    private const int Stride = 512;

    private const uint AttrData = 0x80;
    private const uint AttrList = 0x20;
    private const uint AttrEnd = 0xFFFFFFFF;

    /// <summary>Checks the header and applies the update sequence array in place.</summary>
    public static void ApplyFixups(Span<byte> record, long number)
    {
        if (!record[..4].SequenceEqual("FILE"u8))
        {
            throw new ImageFormatException(ImageError.Corrupt, $"ntfs: MFT record {number} lacks the FILE signature");
        }

        int usaOffset = BinaryPrimitives.ReadUInt16LittleEndian(record[4..]);
        int usaCount = BinaryPrimitives.ReadUInt16LittleEndian(record[6..]);
        if (usaCount != (record.Length / Stride) + 1 || usaOffset % 2 != 0 || usaOffset < 0x28 || usaOffset + (usaCount * 2) > Stride - 2)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"ntfs: MFT record {number} update sequence array invalid");
        }

        var usn = BinaryPrimitives.ReadUInt16LittleEndian(record[usaOffset..]);
        for (var i = 1; i < usaCount; i++)
        {
            var end = (i * Stride) - 2;
            if (BinaryPrimitives.ReadUInt16LittleEndian(record[end..]) != usn)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"ntfs: MFT record {number} torn (update sequence mismatch in stride {i - 1})");
            }

            record.Slice(usaOffset + (i * 2), 2).CopyTo(record[end..]);
        }

        if ((BinaryPrimitives.ReadUInt16LittleEndian(record[0x16..]) & 1) == 0)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"ntfs: MFT record {number} not in use");
        }
    }

    /// <summary>Finds the unnamed $DATA attribute of a fixed-up record.</summary>
    public static NtfsAttribute FindData(ReadOnlySpan<byte> record, long number, long clusterCount)
    {
        int pos = BinaryPrimitives.ReadUInt16LittleEndian(record[0x14..]);
        var inUse = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(record[0x18..]), (uint)record.Length);
        var sawList = false;
        while (pos >= 0x18 && pos + 16 <= inUse)
        {
            var type = BinaryPrimitives.ReadUInt32LittleEndian(record[pos..]);
            if (type == AttrEnd)
            {
                break;
            }

            var len = BinaryPrimitives.ReadUInt32LittleEndian(record[(pos + 4)..]);
            if (len < 16 || len % 8 != 0 || len > inUse - pos)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"ntfs: MFT record {number}: attribute length {len} at {pos} invalid");
            }

            var attr = record.Slice(pos, (int)len);
            sawList |= type == AttrList;
            if (type == AttrData && attr[9] == 0)
            {
                return ParseData(attr, number, clusterCount);
            }

            pos += (int)len;
        }

        throw new ImageFormatException(sawList ? ImageError.Unsupported : ImageError.Corrupt,
            sawList ? $"ntfs: MFT record {number}: $DATA in an attribute list is not supported" : $"ntfs: MFT record {number} has no $DATA attribute");
    }

    private static NtfsAttribute ParseData(ReadOnlySpan<byte> attr, long number, long clusterCount)
    {
        if (attr[8] == 0)
        {
            var valueLength = BinaryPrimitives.ReadUInt32LittleEndian(attr[0x10..]);
            int valueOffset = BinaryPrimitives.ReadUInt16LittleEndian(attr[0x14..]);
            if (attr.Length < 24 || valueOffset > attr.Length || valueLength > attr.Length - valueOffset)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"ntfs: MFT record {number}: resident $DATA out of bounds");
            }

            var value = attr.Slice(valueOffset, (int)valueLength).ToArray();
            return new NtfsAttribute(value, null, value.Length, value.Length);
        }

        if (attr.Length < 0x40)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"ntfs: MFT record {number}: non-resident header too short");
        }

        var lowestVcn = BinaryPrimitives.ReadInt64LittleEndian(attr[0x10..]);
        int pairsOffset = BinaryPrimitives.ReadUInt16LittleEndian(attr[0x20..]);
        var dataSize = BinaryPrimitives.ReadInt64LittleEndian(attr[0x30..]);
        var initSize = BinaryPrimitives.ReadInt64LittleEndian(attr[0x38..]);
        if (lowestVcn != 0 || pairsOffset < 0x40 || pairsOffset > attr.Length || dataSize < 0 || initSize < 0 || initSize > dataSize)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"ntfs: MFT record {number}: non-resident $DATA header invalid");
        }

        var runs = NtfsRunList.Decode(attr[pairsOffset..], 0, clusterCount);
        return new NtfsAttribute(null, runs, dataSize, initSize);
    }
}
