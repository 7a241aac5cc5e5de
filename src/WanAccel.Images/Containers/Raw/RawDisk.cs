using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Raw;

/// <summary>
/// A raw image: the file is the virtual disk. Holes of a sparse file are reported as unallocated
/// (SEEK_DATA/SEEK_HOLE), everything else as allocated.
/// </summary>
internal sealed class RawDisk : IVirtualDisk
{
    private readonly FileByteSource _file;

    public RawDisk(FileByteSource file) => _file = file;

    public ImageFormat Format => ImageFormat.Raw;

    public string Subformat => string.Empty;

    public long FileSize => _file.Length;

    public IReadOnlyList<string> Chain => [_file.Path];

    public long Length => _file.Length;

    public int ReadAt(long offset, Span<byte> buffer) => _file.ReadAt(offset, buffer);

    public IReadOnlyList<DiskExtent> GetAllocationMap() => SparseFileMap.Map(_file.Path, _file.Length);

    public void Dispose() => _file.Dispose();
}
