using WanAccel.Images.Containers.Shared;

namespace WanAccel.Images.Containers.Vmdk;

/// <summary>A ZERO extent: no file, reads as zeros, reported unallocated (it costs nothing to move).</summary>
internal sealed class VmdkZeroExtent(long length) : IVmdkExtent
{
    public long Length => length;

    public long FileSize => 0;

    public void Read(long offset, Span<byte> buffer, IVirtualDisk? parent, long diskOffset) =>
        LayeredExtentMap.ReadBacking(parent, diskOffset + offset, buffer);

    public void Map(ExtentMapBuilder builder, long diskOffset, bool withFileOffsets) =>
        builder.Add(diskOffset, length, ExtentKind.Unallocated);

    public void Dispose()
    {
    }
}
