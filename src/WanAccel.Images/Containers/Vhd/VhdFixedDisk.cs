using WanAccel.Images.Containers.Shared;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Vhd;

/// <summary>A fixed VHD: the virtual disk is the file's first CurrentSize bytes, followed by the footer.</summary>
internal sealed class VhdFixedDisk : BlockMappedDisk
{
    public VhdFixedDisk(FileByteSource file, VhdFooter footer)
        : base(file, file, file.Path, (long)footer.CurrentSize, Math.Max((long)footer.CurrentSize, 1), 512, parent: null)
        => Footer = footer;

    public VhdFooter Footer { get; }

    public override ImageFormat Format => ImageFormat.Vhd;

    public override string Subformat => "fixed";

    protected override bool BitmapMsbFirst => true;

    /// <summary>Like a raw file: holes of the sparse container are unallocated (qemu-img map agrees).</summary>
    public override IReadOnlyList<DiskExtent> GetAllocationMap() => SparseFileMap.Map(Path, Length);

    protected override BlockEntry GetBlock(long index) => new(BlockKind.Present, 0);

    protected override void ReadSectorBitmap(long index, Span<byte> bits) => bits.Fill(0xFF);
}
