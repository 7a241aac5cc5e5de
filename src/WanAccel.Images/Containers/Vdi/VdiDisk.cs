using WanAccel.Images.Containers.Shared;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Vdi;

/// <summary>
/// A VDI (dynamic or fixed): a block map of uint32 entries, each the index of a block in the data area,
/// 0xFFFFFFFF = not allocated, 0xFFFFFFFE = allocated but zero (discarded).
/// </summary>
internal sealed class VdiDisk : IVirtualDisk
{
    private const uint Free = 0xFFFFFFFF;
    private const uint Zero = 0xFFFFFFFE;

    private readonly FileByteSource _file;
    private readonly VdiHeader _header;
    private readonly uint[] _map;

    public VdiDisk(FileByteSource file, VdiHeader header, uint[] map)
    {
        _file = file;
        _header = header;
        _map = map;
    }

    public ImageFormat Format => ImageFormat.Vdi;

    public string Subformat => _header.Subformat;

    public long FileSize => _file.Length;

    public IReadOnlyList<string> Chain => [_file.Path];

    public long Length => _header.DiskSize;

    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        var n = (int)Math.Min(buffer.Length, Length - offset);
        var done = 0;
        while (done < n)
        {
            var pos = offset + done;
            var block = (int)(pos / _header.BlockSize);
            var inBlock = pos % _header.BlockSize;
            var chunk = (int)Math.Min(_header.BlockSize - inBlock, n - done);
            var dest = buffer.Slice(done, chunk);
            var at = BlockOffset(block);
            if (at < 0)
            {
                dest.Clear();
            }
            else
            {
                var r = _file.ReadAt(at + inBlock, dest);
                dest[r..].Clear(); // a last block cut short by EOF reads as zeros
            }

            done += chunk;
        }

        return n;
    }

    public IReadOnlyList<DiskExtent> GetAllocationMap()
    {
        var builder = new ExtentMapBuilder();
        long blockSize = _header.BlockSize;
        for (var b = 0; (long)b * blockSize < Length; b++)
        {
            var start = b * blockSize;
            var size = Math.Min(blockSize, Length - start);
            var entry = _map[b];
            if (entry == Free)
            {
                builder.Add(start, size, ExtentKind.Unallocated);
            }
            else if (entry == Zero)
            {
                builder.Add(start, size, ExtentKind.Zero);
            }
            else
            {
                builder.Add(start, size, ExtentKind.Allocated, BlockOffset(b));
            }
        }

        return builder.Build(Length);
    }

    public void Dispose() => _file.Dispose();

    /// <summary>File offset of block <paramref name="block"/>'s data, or -1 when it reads as zeros.</summary>
    private long BlockOffset(int block)
    {
        var entry = _map[block];
        if (entry is Free or Zero)
        {
            return -1;
        }

        var at = _header.DataOffset + ((long)entry * (_header.BlockSize + (long)_header.BlockExtra)) + _header.BlockExtra;
        if (at >= _file.Length)
        {
            throw new ImageFormatException(ImageError.Truncated, $"{_file.Path}: vdi block {block} at {at} beyond the end of the file ({_file.Length} bytes)");
        }

        return at;
    }
}
