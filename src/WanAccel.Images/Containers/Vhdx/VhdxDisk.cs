using WanAccel.Images.Containers.Shared;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Vhdx;

/// <summary>
/// A VHDX virtual disk. BAT entries (MS-VHDX 2.5.1): payload entries with a sector bitmap entry after every
/// chunk-ratio payload entries; state in bits 0-2, file offset in MiB in bits 20-63. Offsets are validated at open.
/// </summary>
internal sealed class VhdxDisk : BlockMappedDisk
{
    public const int PayloadNotPresent = 0;
    public const int PayloadUndefined = 1;
    public const int PayloadZero = 2;
    public const int PayloadUnmapped = 3;
    public const int PayloadFullyPresent = 6;
    public const int PayloadPartiallyPresent = 7;
    public const int SectorBitmapPresent = 6;

    private readonly ulong[] _bat;
    private readonly long _chunkRatio;
    private readonly VhdxMetadata _metadata;

    public VhdxDisk(IByteSource data, FileByteSource file, VhdxMetadata metadata, ulong[] bat, long chunkRatio, Guid dataWriteGuid, IVirtualDisk? parent)
        : base(data, file, file.Path, metadata.VirtualDiskSize, metadata.BlockSize, (int)metadata.LogicalSectorSize, parent)
    {
        _metadata = metadata;
        _bat = bat;
        _chunkRatio = chunkRatio;
        DataWriteGuid = dataWriteGuid;
    }

    /// <summary>Identifies this image's content; a differencing child records it as parent_linkage.</summary>
    public Guid DataWriteGuid { get; }

    public override ImageFormat Format => ImageFormat.Vhdx;

    public override string Subformat => _metadata.HasParent ? "differencing" : _metadata.LeaveBlocksAllocated ? "fixed" : "dynamic";

    protected override bool BitmapMsbFirst => false;

    public static long PayloadIndex(long block, long chunkRatio) => block + (block / chunkRatio);

    public static long BitmapIndex(long chunk, long chunkRatio) => (chunk * (chunkRatio + 1)) + chunkRatio;

    public static long OffsetOf(ulong entry) => (long)(entry >> 20) << 20;

    protected override BlockEntry GetBlock(long index)
    {
        var e = _bat[PayloadIndex(index, _chunkRatio)];
        return (int)(e & 7) switch
        {
            PayloadFullyPresent => new BlockEntry(BlockKind.Present, OffsetOf(e)),
            PayloadPartiallyPresent => new BlockEntry(BlockKind.Partial, OffsetOf(e)),
            PayloadZero => BlockEntry.Zero,

            // Trimmed/undefined content must not fall through to an older parent's data; without a parent it is simply absent.
            PayloadUndefined or PayloadUnmapped when _metadata.HasParent => BlockEntry.Zero,
            _ => BlockEntry.Inherit,
        };
    }

    protected override void ReadSectorBitmap(long index, Span<byte> bits)
    {
        // One 1 MiB bitmap block covers chunkRatio payload blocks; this block's bits start at its index within the chunk.
        var bitmapEntry = _bat[BitmapIndex(index / _chunkRatio, _chunkRatio)];
        var bitOffset = index % _chunkRatio * (BlockSize / SectorSize);
        Data.ReadExactlyAt(OffsetOf(bitmapEntry) + (bitOffset / 8), bits, $"{Path}: sector bitmap of block {index}");
    }
}
