using WanAccel.Images.Containers.Shared;

namespace WanAccel.Images.Containers.Vmdk;

/// <summary>One extent of a VMDK: a run of the virtual disk stored as FLAT, SPARSE (hosted sparse) or ZERO.</summary>
internal interface IVmdkExtent : IDisposable
{
    /// <summary>Bytes of the virtual disk this extent covers.</summary>
    long Length { get; }

    /// <summary>Size of the extent's own file (0 for ZERO).</summary>
    long FileSize { get; }

    /// <summary>
    /// Reads [offset, offset+buffer.Length) of the extent (inside <see cref="Length"/>); unallocated parts come from
    /// <paramref name="parent"/> (delta disks) at <paramref name="diskOffset"/> + offset, or read as zeros.
    /// </summary>
    void Read(long offset, Span<byte> buffer, IVirtualDisk? parent, long diskOffset);

    /// <summary>Appends the extent's map at <paramref name="diskOffset"/>; file offsets only when <paramref name="withFileOffsets"/>.</summary>
    void Map(ExtentMapBuilder builder, long diskOffset, bool withFileOffsets);
}
