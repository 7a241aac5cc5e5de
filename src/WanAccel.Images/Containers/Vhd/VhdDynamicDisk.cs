using WanAccel.Images.Containers.Shared;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Vhd;

/// <summary>
/// A dynamic or differencing VHD. Each allocated block is a sector bitmap (padded to 512 bytes) followed by the
/// block's data. VHD spec: a set bit means the sector is stored here; a clear bit means "never written" — zeros
/// for a dynamic disk, the parent's sector for a differencing disk. Bits are MSB-first.
/// </summary>
internal sealed class VhdDynamicDisk : BlockMappedDisk
{
    private readonly uint[] _bat;
    private readonly int _bitmapSize;

    public VhdDynamicDisk(FileByteSource file, VhdFooter footer, VhdDynamicHeader header, uint[] bat, IVirtualDisk? parent)
        : base(file, file, file.Path, (long)footer.CurrentSize, header.BlockSize, 512, parent)
    {
        _bat = bat;
        _bitmapSize = BitmapSizeFor(header.BlockSize);
        Footer = footer;
    }

    public VhdFooter Footer { get; }

    public override ImageFormat Format => ImageFormat.Vhd;

    public override string Subformat => Footer.DiskType == VhdFooter.TypeDifferencing ? "differencing" : "dynamic";

    protected override bool BitmapMsbFirst => true;

    /// <summary>Bytes of sector bitmap in front of each block: one bit per 512-byte sector, rounded up to a sector.</summary>
    public static int BitmapSizeFor(uint blockSize) => (int)((((blockSize / 512) + 7) / 8 + 511) / 512 * 512);

    protected override BlockEntry GetBlock(long index)
    {
        var e = _bat[index];
        return e == uint.MaxValue ? BlockEntry.Inherit : new BlockEntry(BlockKind.Partial, ((long)e * 512) + _bitmapSize);
    }

    protected override void ReadSectorBitmap(long index, Span<byte> bits)
        => Data.ReadExactlyAt((long)_bat[index] * 512, bits, $"{Path}: sector bitmap of block {index}");
}
