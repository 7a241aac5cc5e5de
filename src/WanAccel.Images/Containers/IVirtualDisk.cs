using WanAccel.Images.IO;

namespace WanAccel.Images.Containers;

/// <summary>
/// A VM disk image opened read-only: its virtual disk as a random-access <see cref="IByteSource"/>
/// (Length = virtual size) plus the allocation map of that virtual disk.
/// </summary>
public interface IVirtualDisk : IByteSource
{
    ImageFormat Format { get; }

    /// <summary>Subformat as the format names it, e.g. "dynamic", "streamOptimized", "v3"; empty when none.</summary>
    string Subformat { get; }

    /// <summary>Size of the container file(s) of the opened image on disk (top layer only).</summary>
    long FileSize { get; }

    /// <summary>Path of the opened image followed by its parents / backing files, top first.</summary>
    IReadOnlyList<string> Chain { get; }

    /// <summary>
    /// The allocation map: sorted, non-overlapping, adjacent extents covering [0, Length),
    /// with adjacent extents of the same kind and layer merged. Metadata reads only.
    /// </summary>
    IReadOnlyList<DiskExtent> GetAllocationMap();
}
