using System.Buffers.Binary;
using WanAccel.Images.IO;

namespace WanAccel.Images.FileSystems.Xfs;

/// <summary>
/// Reads XFS free space from each AG's by-block-number free-space B+tree (AGF sector 1 of the AG, root agf_roots[0]).
/// Free = the records of that tree (agf_freeblks) plus the blocks parked on the AG free list (agf_flcount), which is what
/// <c>xfs_db freesp</c> totals; btree blocks, inodes, the log and file data are used.
/// The data device only: a realtime device is separate and not mapped.
/// </summary>
internal static class XfsReader
{
    private const uint AgfMagic = 0x58414746;   // "XAGF"
    private const uint BnoMagicV4 = 0x41425442; // "ABTB"
    private const uint BnoMagicV5 = 0x41423342; // "AB3B"
    private const int AgflHeaderV5 = 36;        // magic, seqno, uuid, lsn, crc

    /// <summary>Deepest free-space tree accepted (XFS_BTREE_MAXLEVELS is 9 for these trees).</summary>
    private const int MaxLevels = 9;

    public static bool Probe(IByteSource volume)
    {
        Span<byte> magic = stackalloc byte[4];
        return volume.Length >= 512 && volume.ReadAt(0, magic) == 4 && XfsSuperblock.HasMagic(magic);
    }

    public static XfsVolume Read(IByteSource volume)
    {
        var sbBytes = new byte[512];
        volume.ReadExactlyAt(0, sbBytes, "xfs superblock");
        var sb = XfsSuperblock.Parse(sbBytes, volume.Length);
        var used = new RangeListBuilder(sb.BlockSize);
        var agFree = new long[sb.AgCount];
        var block = new byte[sb.BlockSize];
        var agf = new byte[sb.SectorSize];
        for (long ag = 0; ag < sb.AgCount; ag++)
        {
            var agStart = ag * sb.AgBlocks;
            var agLength = sb.AgLength(ag);
            volume.ReadExactlyAt((agStart * sb.BlockSize) + sb.SectorSize, agf, $"xfs AGF {ag}");
            if (BinaryPrimitives.ReadUInt32BigEndian(agf) != AgfMagic || BinaryPrimitives.ReadUInt32BigEndian(agf.AsSpan(8)) != ag)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"xfs: AGF {ag} bad magic or sequence number");
            }

            var root = BinaryPrimitives.ReadUInt32BigEndian(agf.AsSpan(16));
            var levels = BinaryPrimitives.ReadUInt32BigEndian(agf.AsSpan(28));
            if (levels == 0 || levels > MaxLevels || root == 0 || root >= agLength)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"xfs: AG {ag} free-space tree root {root} / {levels} levels invalid");
            }

            var free = new List<(long Start, long Count)>();
            var visited = new HashSet<long>();
            Walk(volume, sb, block, ag, agLength, root, (int)levels - 1, visited, free);
            AddFreeList(volume, sb, agf, ag, agLength, free);
            free.Sort((a, b) => a.Start.CompareTo(b.Start));

            var cursor = 0L; // next AG block not yet classified
            foreach (var (start, count) in free)
            {
                if (start < cursor || count == 0 || start + count > agLength)
                {
                    throw new ImageFormatException(ImageError.Corrupt, $"xfs: AG {ag} free extent [{start}, +{count}) overlaps another or lies outside the AG");
                }

                used.Add(agStart + cursor, start - cursor);
                cursor = start + count;
                agFree[ag] += count;
            }

            used.Add(agStart + cursor, agLength - cursor);
        }

        var ranges = used.Build();
        return new XfsVolume(sb, new GuestFileSystem
        {
            Type = "xfs",
            ClusterSize = sb.BlockSize,
            TotalBytes = sb.DataBlocks * sb.BlockSize,
            UsedBytes = used.Units * sb.BlockSize,
            UsedRanges = ranges,
        }, agFree);
    }

    /// <summary>The AGFL (sector 3 of the AG): a circular array of free blocks reserved for btree growth, agf_flcount long from agf_flfirst.</summary>
    private static void AddFreeList(IByteSource volume, XfsSuperblock sb, byte[] agf, long ag, long agLength, List<(long, long)> free)
    {
        var first = BinaryPrimitives.ReadUInt32BigEndian(agf.AsSpan(40));
        var count = BinaryPrimitives.ReadUInt32BigEndian(agf.AsSpan(48));
        if (count == 0)
        {
            return;
        }

        var agfl = new byte[sb.SectorSize];
        volume.ReadExactlyAt((ag * sb.AgBlocks * sb.BlockSize) + (3L * sb.SectorSize), agfl, $"xfs AGFL {ag}");
        var header = sb.V5 ? AgflHeaderV5 : 0;
        var size = (uint)((sb.SectorSize - header) / 4);
        if (first >= size || count > size)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"xfs: AG {ag} free list [{first}, +{count}) invalid for {size} slots");
        }

        for (var k = 0u; k < count; k++)
        {
            var agbno = BinaryPrimitives.ReadUInt32BigEndian(agfl.AsSpan(header + (int)(((first + k) % size) * 4)));
            if (agbno >= agLength)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"xfs: AG {ag} free list block {agbno} outside the AG");
            }

            free.Add((agbno, 1));
        }
    }

    /// <summary>Depth-first, left to right: leaves give records in block order.</summary>
    private static void Walk(IByteSource volume, XfsSuperblock sb, byte[] block, long ag, long agLength, long agbno, int level,
        HashSet<long> visited, List<(long Start, long Count)> free)
    {
        // Levels strictly decrease, so there are no cycles; a block reached twice (shared subtree) is still rejected,
        // which bounds the walk by the blocks of the tree rather than by fan-out^depth.
        if (!visited.Add(agbno))
        {
            throw new ImageFormatException(ImageError.Loop, $"xfs: AG {ag} free-space tree reaches block {agbno} twice");
        }

        volume.ReadExactlyAt(((ag * sb.AgBlocks) + agbno) * sb.BlockSize, block, $"xfs AG {ag} bnobt block {agbno}");
        var magic = BinaryPrimitives.ReadUInt32BigEndian(block);
        int blockLevel = BinaryPrimitives.ReadUInt16BigEndian(block.AsSpan(4));
        int numRecs = BinaryPrimitives.ReadUInt16BigEndian(block.AsSpan(6));
        var header = sb.V5 ? 56 : 16;
        if (magic != (sb.V5 ? BnoMagicV5 : BnoMagicV4) || blockLevel != level)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"xfs: AG {ag} block {agbno} is not a level-{level} free-space btree block");
        }

        if (level == 0)
        {
            if (numRecs > (sb.BlockSize - header) / 8)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"xfs: AG {ag} leaf {agbno} claims {numRecs} records");
            }

            for (var i = 0; i < numRecs; i++)
            {
                var start = BinaryPrimitives.ReadUInt32BigEndian(block.AsSpan(header + (i * 8)));
                var count = BinaryPrimitives.ReadUInt32BigEndian(block.AsSpan(header + (i * 8) + 4));
                free.Add((start, count));
            }

            return;
        }

        // Node: keys [maxrecs] then pointers [maxrecs]; copy the pointers before the buffer is reused by the children.
        var maxRecs = (sb.BlockSize - header) / 12;
        if (numRecs == 0 || numRecs > maxRecs)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"xfs: AG {ag} node {agbno} claims {numRecs} pointers");
        }

        var children = new uint[numRecs];
        for (var i = 0; i < numRecs; i++)
        {
            children[i] = BinaryPrimitives.ReadUInt32BigEndian(block.AsSpan(header + (maxRecs * 8) + (i * 4)));
        }

        foreach (var child in children)
        {
            if (child == 0 || child >= agLength)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"xfs: AG {ag} node {agbno} points outside the AG ({child})");
            }

            Walk(volume, sb, block, ag, agLength, child, level - 1, visited, free);
        }
    }
}
