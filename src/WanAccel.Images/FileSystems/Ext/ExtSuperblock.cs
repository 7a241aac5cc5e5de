using System.Buffers.Binary;

namespace WanAccel.Images.FileSystems.Ext;

/// <summary>The fields of the ext2/3/4 superblock (1024 bytes at volume offset 1024) that the block map needs, validated.</summary>
internal sealed record ExtSuperblock
{
    public const int Offset = 1024;
    public const int Size = 1024;
    public const ushort Magic = 0xEF53;

    /// <summary>Most block groups accepted: 4 Mi groups is 512 TiB at 4 KiB blocks; bounds the per-group arrays (32 MiB).</summary>
    public const long MaxGroups = 1 << 22;

    // Feature bits (fs/ext4/ext4.h).
    private const uint CompatHasJournal = 0x4;
    private const uint CompatSparseSuper2 = 0x200;
    private const uint IncompatExtents = 0x40;
    private const uint IncompatMetaBg = 0x10;
    private const uint Incompat64Bit = 0x80;
    private const uint IncompatFlexBg = 0x200;
    private const uint RoCompatSparseSuper = 0x1;
    private const uint RoCompatHugeFile = 0x8;
    private const uint RoCompatGdtCsum = 0x10;
    private const uint RoCompatBigalloc = 0x200;
    private const uint RoCompatMetadataCsum = 0x400;

    public required int BlockSize { get; init; }
    public required long BlocksCount { get; init; }
    public required long FreeBlocksCount { get; init; }
    public required long FirstDataBlock { get; init; }
    public required long BlocksPerGroup { get; init; }
    public required long InodeBlocksPerGroup { get; init; }
    public required long GroupCount { get; init; }
    public required int DescSize { get; init; }
    public required long ReservedGdtBlocks { get; init; }
    public required long FirstMetaBg { get; init; }
    public required uint BackupBg0 { get; init; }
    public required uint BackupBg1 { get; init; }
    public required uint Compat { get; init; }
    public required uint Incompat { get; init; }
    public required uint RoCompat { get; init; }

    public bool MetaBg => (Incompat & IncompatMetaBg) != 0;
    public bool SparseSuper => (RoCompat & RoCompatSparseSuper) != 0;
    public bool SparseSuper2 => (Compat & CompatSparseSuper2) != 0;

    /// <summary>Group descriptor checksums present: only then is BLOCK_UNINIT honoured (as e2fsprogs and the kernel do).</summary>
    public bool GroupChecksums => (RoCompat & (RoCompatGdtCsum | RoCompatMetadataCsum)) != 0;

    public int DescsPerBlock => BlockSize / DescSize;

    /// <summary>Blocks holding the group descriptor table (fs->desc_blocks in e2fsprogs).</summary>
    public long DescBlocks => (GroupCount + DescsPerBlock - 1) / DescsPerBlock;

    /// <summary>"ext4" with extents, 64bit, flex_bg, huge_file or checksums; "ext3" with a journal; else "ext2" (as blkid decides).</summary>
    public string TypeName =>
        (Incompat & (IncompatExtents | Incompat64Bit | IncompatFlexBg)) != 0 || (RoCompat & (RoCompatHugeFile | RoCompatGdtCsum | RoCompatMetadataCsum)) != 0
            ? "ext4"
            : (Compat & CompatHasJournal) != 0 ? "ext3" : "ext2";

    public static bool HasMagic(ReadOnlySpan<byte> sb) => BinaryPrimitives.ReadUInt16LittleEndian(sb[0x38..]) == Magic;

    /// <summary>Parses and validates; <paramref name="volumeLength"/> bounds the block count.</summary>
    public static ExtSuperblock Parse(ReadOnlySpan<byte> sb, long volumeLength)
    {
        if (!HasMagic(sb))
        {
            throw new ImageFormatException(ImageError.Corrupt, "ext: bad superblock magic");
        }

        var logBlock = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x18..]);
        if (logBlock > 6)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"ext: block size 1024<<{logBlock} out of range (1 KiB..64 KiB)");
        }

        var blockSize = 1024 << (int)logBlock;
        var compat = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x5C..]);
        var incompat = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x60..]);
        var roCompat = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x64..]);
        if ((roCompat & RoCompatBigalloc) != 0)
        {
            throw new ImageFormatException(ImageError.Unsupported, "ext: bigalloc (cluster bitmaps) is not supported");
        }

        var is64 = (incompat & Incompat64Bit) != 0;
        long blocks = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x04..]);
        long free = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x0C..]);
        if (is64)
        {
            blocks |= (long)BinaryPrimitives.ReadUInt32LittleEndian(sb[0x150..]) << 32;
            free |= (long)BinaryPrimitives.ReadUInt32LittleEndian(sb[0x158..]) << 32;
        }

        var firstData = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x14..]);
        var perGroup = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x20..]);
        var inodesPerGroup = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x28..]);
        var revLevel = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x4C..]);
        int inodeSize = revLevel == 0 ? 128 : BinaryPrimitives.ReadUInt16LittleEndian(sb[0x58..]);
        int descSize = is64 ? BinaryPrimitives.ReadUInt16LittleEndian(sb[0xFE..]) : 32;

        if (firstData != (blockSize == 1024 ? 1u : 0u))
        {
            throw new ImageFormatException(ImageError.Corrupt, $"ext: first data block {firstData} invalid for {blockSize}-byte blocks");
        }

        if (perGroup == 0 || perGroup % 8 != 0 || perGroup > 8L * blockSize)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"ext: {perGroup} blocks per group invalid");
        }

        if (inodesPerGroup == 0 || inodesPerGroup > 8L * blockSize || inodeSize < 128 || inodeSize > blockSize || (inodeSize & (inodeSize - 1)) != 0)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"ext: {inodesPerGroup} inodes per group of {inodeSize} bytes invalid");
        }

        if (is64 && (descSize < 64 || descSize > 1024 || (descSize & (descSize - 1)) != 0))
        {
            throw new ImageFormatException(ImageError.Corrupt, $"ext: group descriptor size {descSize} invalid");
        }

        if (blocks <= firstData || blocks > volumeLength / blockSize)
        {
            throw new ImageFormatException(blocks <= firstData ? ImageError.Corrupt : ImageError.Truncated,
                $"ext: {blocks} blocks of {blockSize} bytes do not fit the volume ({volumeLength} bytes)");
        }

        if (free > blocks)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"ext: {free} free blocks of {blocks}");
        }

        var groups = (blocks - firstData + perGroup - 1) / perGroup;
        if (groups > MaxGroups)
        {
            throw new ImageFormatException(ImageError.LimitExceeded, $"ext: {groups} block groups exceed {MaxGroups}");
        }

        return new ExtSuperblock
        {
            BlockSize = blockSize,
            BlocksCount = blocks,
            FreeBlocksCount = free,
            FirstDataBlock = firstData,
            BlocksPerGroup = perGroup,
            InodeBlocksPerGroup = ((inodesPerGroup * (long)inodeSize) + blockSize - 1) / blockSize,
            GroupCount = groups,
            DescSize = descSize,
            ReservedGdtBlocks = BinaryPrimitives.ReadUInt16LittleEndian(sb[0xCE..]),
            FirstMetaBg = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x104..]),
            BackupBg0 = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x24C..]),
            BackupBg1 = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x250..]),
            Compat = compat,
            Incompat = incompat,
            RoCompat = roCompat,
        };
    }

    public long GroupFirstBlock(long group) => FirstDataBlock + (group * BlocksPerGroup);

    public long GroupBlockCount(long group) => Math.Min(BlocksPerGroup, BlocksCount - GroupFirstBlock(group));

    /// <summary>ext2fs_bg_has_super: does <paramref name="group"/> hold a superblock copy?</summary>
    public bool HasSuper(long group)
    {
        if (group == 0)
        {
            return true;
        }

        if (SparseSuper2)
        {
            return group == BackupBg0 || group == BackupBg1;
        }

        if (group <= 1 || !SparseSuper)
        {
            return true;
        }

        return (group & 1) != 0 && (IsPowerOf(group, 3) || IsPowerOf(group, 5) || IsPowerOf(group, 7));
    }

    private static bool IsPowerOf(long n, long b)
    {
        while (n % b == 0)
        {
            n /= b;
        }

        return n == 1;
    }
}
