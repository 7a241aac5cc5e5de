using WanAccel.Images.Containers.Shared;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Vmdk;

/// <summary>
/// A VMDK: its extents laid end to end, over the parent disk for delta links. File offsets are reported only for data
/// stored in the opened file itself.
/// </summary>
internal sealed class VmdkDisk : IVirtualDisk
{
    private readonly FileByteSource _file;
    private readonly IVmdkExtent[] _extents;
    private readonly long[] _starts;
    private readonly bool _dataInOpenedFile;
    private readonly IVirtualDisk? _parent;

    public VmdkDisk(FileByteSource file, string subformat, IReadOnlyList<IVmdkExtent> extents, bool dataInOpenedFile, IVirtualDisk? parent)
    {
        _file = file;
        _parent = parent;
        Subformat = subformat;
        _dataInOpenedFile = dataInOpenedFile;
        _extents = [.. extents.Where(e => e.Length > 0)];
        _starts = new long[_extents.Length];
        long pos = 0;
        for (var i = 0; i < _extents.Length; i++)
        {
            _starts[i] = pos;
            pos += _extents[i].Length;
        }

        Length = pos;
        FileSize = dataInOpenedFile ? file.Length : file.Length + extents.Sum(e => e.FileSize);
        AllExtents = extents;
    }

    public ImageFormat Format => ImageFormat.Vmdk;

    public string Subformat { get; }

    public long FileSize { get; }

    public IReadOnlyList<string> Chain => _parent is null ? [_file.Path] : [_file.Path, .. _parent.Chain];

    public long Length { get; }

    private IReadOnlyList<IVmdkExtent> AllExtents { get; }

    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        var n = (int)Math.Min(buffer.Length, Length - offset);
        var i = Array.BinarySearch(_starts, offset);
        if (i < 0)
        {
            i = ~i - 1;
        }

        var done = 0;
        while (done < n)
        {
            var pos = offset + done;
            while (_starts[i] + _extents[i].Length <= pos)
            {
                i++;
            }

            var inExtent = pos - _starts[i];
            var chunk = (int)Math.Min(_extents[i].Length - inExtent, n - done);
            _extents[i].Read(inExtent, buffer.Slice(done, chunk), _parent, _starts[i]);
            done += chunk;
        }

        return n;
    }

    public IReadOnlyList<DiskExtent> GetAllocationMap()
    {
        var builder = new ExtentMapBuilder();
        for (var i = 0; i < _extents.Length; i++)
        {
            _extents[i].Map(builder, _starts[i], _dataInOpenedFile);
        }

        return LayeredExtentMap.Resolve(builder.Build(Length), _parent, Length);
    }

    public void Dispose()
    {
        foreach (var e in AllExtents)
        {
            e.Dispose();
        }

        _file.Dispose();
        _parent?.Dispose();
    }
}
