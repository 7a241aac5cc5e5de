using System.Buffers.Binary;

namespace WanAccel.Images.FileSystems.Xfs;

/// <summary>The XFS primary superblock (sector 0 of AG 0, big-endian; xfs_format.h struct xfs_dsb), validated.</summary>
internal sealed record XfsSuperblock
{
    public const uint Magic = 0x58465342; // "XFSB"

    /// <summary>Most allocation groups accepted (mkfs caps real file systems far lower).</summary>
    public const long MaxAgCount = 1 << 20;

    public required int BlockSize { get; init; }
    public required int SectorSize { get; init; }
    public required long DataBlocks { get; init; }
    public required long AgBlocks { get; init; }
    public required long AgCount { get; init; }

    /// <summary>Version 5: metadata CRCs, long (56-byte) btree block headers.</summary>
    public required bool V5 { get; init; }

    public static bool HasMagic(ReadOnlySpan<byte> sb) => BinaryPrimitives.ReadUInt32BigEndian(sb) == Magic;

    public static XfsSuperblock Parse(ReadOnlySpan<byte> sb, long volumeLength)
    {
        if (!HasMagic(sb))
        {
            throw new ImageFormatException(ImageError.Corrupt, "xfs: bad superblock magic");
        }

        var blockSize = BinaryPrimitives.ReadUInt32BigEndian(sb[4..]);
        var dblocks = BinaryPrimitives.ReadUInt64BigEndian(sb[8..]);
        var agBlocks = BinaryPrimitives.ReadUInt32BigEndian(sb[84..]);
        var agCount = BinaryPrimitives.ReadUInt32BigEndian(sb[88..]);
        var version = BinaryPrimitives.ReadUInt16BigEndian(sb[100..]) & 0xF;
        int sectSize = BinaryPrimitives.ReadUInt16BigEndian(sb[102..]);
        if (blockSize < 512 || blockSize > 65536 || (blockSize & (blockSize - 1)) != 0 || 1u << sb[120] != blockSize)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"xfs: block size {blockSize} invalid");
        }

        if (sectSize < 512 || sectSize > 32768 || (sectSize & (sectSize - 1)) != 0 || sectSize > blockSize)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"xfs: sector size {sectSize} invalid");
        }

        if (version is not (4 or 5))
        {
            throw new ImageFormatException(ImageError.Unsupported, $"xfs: superblock version {version}");
        }

        if (agCount == 0 || agCount > MaxAgCount || agBlocks < 16 || dblocks == 0
            || dblocks > (ulong)agCount * agBlocks || dblocks <= (ulong)(agCount - 1) * agBlocks)
        {
            throw new ImageFormatException(agCount > MaxAgCount ? ImageError.LimitExceeded : ImageError.Corrupt,
                $"xfs: {agCount} AGs of {agBlocks} blocks inconsistent with {dblocks} blocks");
        }

        if (dblocks > (ulong)(volumeLength / blockSize))
        {
            throw new ImageFormatException(ImageError.Truncated, $"xfs: {dblocks} blocks of {blockSize} bytes do not fit the volume ({volumeLength} bytes)");
        }

        return new XfsSuperblock
        {
            BlockSize = (int)blockSize,
            SectorSize = sectSize,
            DataBlocks = (long)dblocks,
            AgBlocks = agBlocks,
            AgCount = agCount,
            V5 = version == 5,
        };
    }

    /// <summary>Blocks in AG <paramref name="agno"/> (the last one may be short).</summary>
    public long AgLength(long agno) => Math.Min(AgBlocks, DataBlocks - (agno * AgBlocks));
}
