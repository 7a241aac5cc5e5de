using System.Buffers.Binary;
using WanAccel.Images.IO;

namespace WanAccel.Images.Partitions;

/// <summary>DOS partition table at LBA 0 plus the chain of extended boot records (EBRs) for logical partitions.</summary>
internal static class MbrReader
{
    /// <summary>Most logical partitions followed in one EBR chain (Linux stops far earlier in practice).</summary>
    public const int MaxLogicalPartitions = 128;

    private const int TableOffset = 446;
    private const int EntrySize = 16;
    private const int Sector = PartitionTable.SectorSize;

    /// <summary>True when sector 0 carries 0x55AA and four plausible entries, and is not a file system's boot sector.</summary>
    public static bool Looks(ReadOnlySpan<byte> mbr)
    {
        if (mbr[510] != 0x55 || mbr[511] != 0xAA)
        {
            return false;
        }

        // NTFS, FAT and exFAT boot sectors also end in 0x55AA; their boot code overlays the table.
        if (mbr.Slice(3, 8).SequenceEqual("NTFS    "u8) || mbr.Slice(3, 8).SequenceEqual("EXFAT   "u8)
            || mbr.Slice(54, 5).SequenceEqual("FAT12"u8) || mbr.Slice(54, 5).SequenceEqual("FAT16"u8)
            || mbr.Slice(82, 5).SequenceEqual("FAT32"u8))
        {
            return false;
        }

        for (var i = 0; i < 4; i++)
        {
            var status = mbr[TableOffset + (i * EntrySize)];
            if (status != 0 && status != 0x80)
            {
                return false;
            }
        }

        return true;
    }

    public static IReadOnlyList<Partition> Read(IByteSource disk, ReadOnlySpan<byte> mbr)
    {
        var sectors = disk.Length / Sector;
        var result = new List<Partition>();
        var extendedSeen = false;
        for (var i = 0; i < 4; i++)
        {
            var e = mbr.Slice(TableOffset + (i * EntrySize), EntrySize);
            var type = e[4];
            var start = BinaryPrimitives.ReadUInt32LittleEndian(e[8..]);
            var count = BinaryPrimitives.ReadUInt32LittleEndian(e[12..]);
            if (type == 0 || count == 0)
            {
                continue;
            }

            CheckInside(start, count, sectors, $"MBR partition {i + 1}");
            if (IsExtended(type))
            {
                if (extendedSeen)
                {
                    throw new ImageFormatException(ImageError.Corrupt, "MBR: more than one extended partition");
                }

                extendedSeen = true;
                ReadLogical(disk, start, count, sectors, result);
            }
            else
            {
                result.Add(new Partition(i + 1, start * (long)Sector, count * (long)Sector, MbrTypes.Name(type), PartitionScheme.Mbr));
            }
        }

        result.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        return result;
    }

    private static void ReadLogical(IByteSource disk, uint extStart, uint extCount, long sectors, List<Partition> result)
    {
        Span<byte> ebr = stackalloc byte[Sector];
        var visited = new HashSet<long>();
        long ebrLba = extStart;
        var index = 5;
        while (true)
        {
            if (!visited.Add(ebrLba))
            {
                throw new ImageFormatException(ImageError.Loop, $"MBR: EBR chain loops back to LBA {ebrLba}");
            }

            if (visited.Count > MaxLogicalPartitions)
            {
                throw new ImageFormatException(ImageError.LimitExceeded, $"MBR: more than {MaxLogicalPartitions} logical partitions");
            }

            disk.ReadExactlyAt(ebrLba * Sector, ebr, $"EBR at LBA {ebrLba}");
            if (ebr[510] != 0x55 || ebr[511] != 0xAA)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"MBR: EBR at LBA {ebrLba} lacks the 0x55AA signature");
            }

            var first = ebr.Slice(TableOffset, EntrySize);
            var type = first[4];
            var rel = BinaryPrimitives.ReadUInt32LittleEndian(first[8..]);
            var count = BinaryPrimitives.ReadUInt32LittleEndian(first[12..]);
            if (type != 0 && count != 0)
            {
                // Entry 1: the logical partition, relative to this EBR (0 would put it on the EBR itself).
                if (rel == 0)
                {
                    throw new ImageFormatException(ImageError.Corrupt, $"MBR: logical partition {index} starts on its own EBR");
                }

                var start = ebrLba + rel;
                CheckInside(start, count, sectors, $"logical partition {index}");
                if (start < extStart || start + count > (long)extStart + extCount)
                {
                    throw new ImageFormatException(ImageError.Corrupt, $"MBR: logical partition {index} lies outside its extended partition");
                }

                result.Add(new Partition(index, start * Sector, count * (long)Sector, MbrTypes.Name(type), PartitionScheme.Mbr));
                index++;
            }

            // Entry 2: the next EBR, relative to the start of the extended partition.
            var next = ebr.Slice(TableOffset + EntrySize, EntrySize);
            var nextRel = BinaryPrimitives.ReadUInt32LittleEndian(next[8..]);
            if (next[4] == 0 || nextRel == 0)
            {
                return;
            }

            if (nextRel >= extCount)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"MBR: next EBR (+{nextRel}) lies outside the extended partition");
            }

            ebrLba = extStart + (long)nextRel;
        }
    }

    private static void CheckInside(long start, long count, long sectors, string what)
    {
        if (start == 0 || start + count > sectors)
        {
            throw new ImageFormatException(ImageError.Truncated, $"MBR: {what} [LBA {start}, +{count}) lies outside the disk ({sectors} sectors)");
        }
    }

    private static bool IsExtended(byte type) => type is 0x05 or 0x0F or 0x85;
}
