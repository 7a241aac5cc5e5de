using System.Buffers.Binary;
using WanAccel.Images.IO;

namespace WanAccel.Images.FileSystems.Ext;

/// <summary>
/// Reads the block bitmaps of an ext2/3/4 volume. Groups flagged BLOCK_UNINIT (with group checksums on) have no bitmap
/// on disk: their used blocks are their superblock/GDT/reserved-GDT copies plus their own bitmaps and inode table,
/// marked wherever those live (flex_bg), exactly as e2fsprogs' read_bitmaps/mark_uninit_bg_group_blocks does.
/// </summary>
internal static class ExtReader
{
    private const ushort BlockUninit = 0x2;

    public static bool Probe(IByteSource volume)
    {
        Span<byte> magic = stackalloc byte[2];
        return volume.Length >= ExtSuperblock.Offset + ExtSuperblock.Size
            && volume.ReadAt(ExtSuperblock.Offset + 0x38, magic) == 2
            && BinaryPrimitives.ReadUInt16LittleEndian(magic) == ExtSuperblock.Magic;
    }

    public static ExtVolume Read(IByteSource volume)
    {
        var sbBytes = new byte[ExtSuperblock.Size];
        volume.ReadExactlyAt(ExtSuperblock.Offset, sbBytes, "ext superblock");
        var sb = ExtSuperblock.Parse(sbBytes, volume.Length);
        var groups = (int)sb.GroupCount;
        var bs = sb.BlockSize;

        // Pass 1: descriptors. Keep each group's bitmap location and flags; collect the marks of BLOCK_UNINIT groups.
        var bitmapBlock = new long[groups];
        var uninit = new bool[groups];
        var marks = new List<(long Start, long Count)>();
        var descs = new DescriptorReader(volume, sb);
        for (var g = 0; g < groups; g++)
        {
            var d = descs.Get(g);
            bitmapBlock[g] = Field(d, 0x00, 0x20, sb.DescSize);
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(d[0x12..]);
            uninit[g] = sb.GroupChecksums && (flags & BlockUninit) != 0;
            if (uninit[g])
            {
                AddGroupMetadata(sb, g, marks);
                AddIfSet(marks, bitmapBlock[g], 1);
                AddIfSet(marks, Field(d, 0x04, 0x24, sb.DescSize), 1);
                AddIfSet(marks, Field(d, 0x08, 0x28, sb.DescSize), sb.InodeBlocksPerGroup);
            }
            else if (bitmapBlock[g] < sb.FirstDataBlock || bitmapBlock[g] >= sb.BlocksCount)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"ext: group {g} block bitmap at block {bitmapBlock[g]} outside the volume");
            }
        }

        marks = Union(marks);

        // Pass 2: bitmaps, one block at a time.
        var used = new RangeListBuilder(bs);
        if (sb.FirstDataBlock > 0)
        {
            used.Add(0, sb.FirstDataBlock); // boot block of 1 KiB-block volumes: outside every group, not counted free
        }

        var groupFree = new long[groups];
        var bitmap = new byte[bs];
        var lo = 0;
        for (var g = 0; g < groups; g++)
        {
            var first = sb.GroupFirstBlock(g);
            var count = sb.GroupBlockCount(g);
            if (uninit[g])
            {
                Array.Clear(bitmap);
            }
            else
            {
                volume.ReadExactlyAt(bitmapBlock[g] * bs, bitmap, $"ext group {g} block bitmap");
            }

            while (lo < marks.Count && marks[lo].Start + marks[lo].Count <= first)
            {
                lo++;
            }

            for (var m = lo; m < marks.Count && marks[m].Start < first + count; m++)
            {
                var s = Math.Max(marks[m].Start, first);
                var e = Math.Min(marks[m].Start + marks[m].Count, first + count);
                for (var b = s; b < e; b++)
                {
                    bitmap[(b - first) >> 3] |= (byte)(1 << (int)((b - first) & 7));
                }
            }

            // Bits past the last group's end are padding (set by mkfs): only the first `count` bits count.
            groupFree[g] = count - BitmapScanner.Scan(bitmap, count, first, used);
        }

        var ranges = used.Build();
        var usedBlocks = used.Units;
        return new ExtVolume(sb, new GuestFileSystem
        {
            Type = sb.TypeName,
            ClusterSize = bs,
            TotalBytes = sb.BlocksCount * bs,
            UsedBytes = usedBlocks * bs,
            UsedRanges = ranges,
        }, groupFree);
    }

    /// <summary>ext2fs_reserve_super_and_bgd: the superblock, GDT and reserved GDT copies a group holds.</summary>
    private static void AddGroupMetadata(ExtSuperblock sb, long g, List<(long, long)> marks)
    {
        var groupBlock = sb.GroupFirstBlock(g);
        var hasSuper = sb.HasSuper(g);
        var oldDescBlocks = sb.MetaBg ? sb.FirstMetaBg : sb.DescBlocks + sb.ReservedGdtBlocks;
        if (hasSuper)
        {
            marks.Add((groupBlock, 1));
        }

        var perMetaGroup = sb.DescsPerBlock;
        if (!sb.MetaBg || g / perMetaGroup < sb.FirstMetaBg)
        {
            if (hasSuper)
            {
                var n = Math.Min(oldDescBlocks, sb.BlocksCount - (groupBlock + 1));
                AddIfSet(marks, groupBlock + 1, n);
            }
        }
        else
        {
            var r = g % perMetaGroup;
            if (r == 0 || r == 1 || r == perMetaGroup - 1)
            {
                marks.Add((groupBlock + (hasSuper ? 1 : 0), 1));
            }
        }
    }

    /// <summary>Sorts and merges overlapping marks, so the per-group walk below is linear even for hostile descriptors.</summary>
    private static List<(long Start, long Count)> Union(List<(long Start, long Count)> marks)
    {
        marks.Sort((a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<(long Start, long Count)>(marks.Count);
        foreach (var m in marks)
        {
            if (merged.Count > 0 && m.Start <= merged[^1].Start + merged[^1].Count)
            {
                var last = merged[^1];
                merged[^1] = (last.Start, Math.Max(last.Count, m.Start + m.Count - last.Start));
            }
            else
            {
                merged.Add(m);
            }
        }

        return merged;
    }

    private static void AddIfSet(List<(long, long)> marks, long start, long count)
    {
        if (start > 0 && count > 0 && start < 1L << 48)
        {
            marks.Add((start, count));
        }
    }

    private static long Field(ReadOnlySpan<byte> d, int lo, int hi, int descSize) =>
        BinaryPrimitives.ReadUInt32LittleEndian(d[lo..]) | (descSize >= 64 ? (long)BinaryPrimitives.ReadUInt32LittleEndian(d[hi..]) << 32 : 0);

    /// <summary>Reads group descriptors, one descriptor block cached (groups are visited in order).</summary>
    private sealed class DescriptorReader(IByteSource volume, ExtSuperblock sb)
    {
        private readonly byte[] _block = new byte[sb.BlockSize];
        private long _cached = -1;

        public ReadOnlySpan<byte> Get(long group)
        {
            var index = group / sb.DescsPerBlock;
            long blockNo;
            if (!sb.MetaBg || index < sb.FirstMetaBg)
            {
                blockNo = sb.FirstDataBlock + 1 + index;
            }
            else
            {
                // ext2fs_descriptor_block_loc2: META_BG keeps each descriptor block in the first group of its meta group.
                var g0 = index * sb.DescsPerBlock;
                blockNo = sb.GroupFirstBlock(g0) + (sb.HasSuper(g0) ? 1 : 0);
            }

            if (blockNo >= sb.BlocksCount)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"ext: group descriptor block {blockNo} outside the volume");
            }

            if (blockNo != _cached)
            {
                volume.ReadExactlyAt(blockNo * sb.BlockSize, _block, $"ext group descriptor block {blockNo}");
                _cached = blockNo;
            }

            return _block.AsSpan((int)(group % sb.DescsPerBlock * sb.DescSize), sb.DescSize);
        }
    }
}
