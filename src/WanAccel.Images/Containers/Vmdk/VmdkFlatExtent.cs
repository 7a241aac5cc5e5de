using WanAccel.Images.Containers.Shared;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Vmdk;

/// <summary>A FLAT extent: the virtual disk bytes at an offset of a plain file. Holes of a sparse file map as unallocated.</summary>
internal sealed class VmdkFlatExtent : IVmdkExtent
{
    private readonly FileByteSource _file;
    private readonly long _start;

    public VmdkFlatExtent(FileByteSource file, long start, long length)
    {
        if (start < 0 || start > file.Length || length > file.Length - start)
        {
            file.Dispose();
            throw new ImageFormatException(ImageError.Truncated, $"{file.Path}: vmdk flat extent [{start}, +{length}) beyond the end of the file ({file.Length} bytes)");
        }

        _file = file;
        _start = start;
        Length = length;
    }

    public long Length { get; }

    public long FileSize => _file.Length;

    public void Read(long offset, Span<byte> buffer, IVirtualDisk? parent, long diskOffset) => _file.ReadExactlyAt(_start + offset, buffer, "vmdk flat extent");

    public void Map(ExtentMapBuilder builder, long diskOffset, bool withFileOffsets)
    {
        foreach (var e in SparseFileMap.Map(_file.Path, _start + Length))
        {
            var from = Math.Max(e.Offset, _start);
            var to = Math.Min(e.End, _start + Length);
            if (to > from)
            {
                builder.Add(diskOffset + from - _start, to - from, e.Kind, withFileOffsets ? from : -1);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
