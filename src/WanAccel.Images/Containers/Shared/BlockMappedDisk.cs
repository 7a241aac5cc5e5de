using System.Buffers;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Shared;

/// <summary>
/// A virtual disk cut into equal blocks, each resolved through a block table to "inherit", "zero", "present at
/// file offset X" or "partially present per a sector bitmap". Implements reads (parent or zeros for inherited
/// sectors) and the allocation map once for VHD and VHDX. VDI stays on its own: its last block may be cut short by
/// EOF and reads as zeros there (as in qemu), where stored blocks here must be complete or throw Truncated.
/// </summary>
internal abstract class BlockMappedDisk : IVirtualDisk
{
    private readonly FileByteSource _owner;

    /// <param name="data">Where payload offsets point (the container file, or a log-replayed view of it).</param>
    /// <param name="owner">The container file: disposed with the disk; its length is <see cref="FileSize"/>.</param>
    protected BlockMappedDisk(IByteSource data, FileByteSource owner, string path, long length, long blockSize, int sectorSize, IVirtualDisk? parent)
    {
        Data = data;
        _owner = owner;
        Path = path;
        Length = length;
        BlockSize = blockSize;
        SectorSize = sectorSize;
        Parent = parent;
        BlockCount = length == 0 ? 0 : ((length - 1) / blockSize) + 1;
        Chain = parent is null ? [path] : [path, .. parent.Chain];
    }

    public abstract ImageFormat Format { get; }

    public abstract string Subformat { get; }

    public long FileSize => _owner.Length;

    public IReadOnlyList<string> Chain { get; }

    public long Length { get; }

    public string Path { get; }

    public IVirtualDisk? Parent { get; }

    protected IByteSource Data { get; }

    protected long BlockSize { get; }

    protected int SectorSize { get; }

    protected long BlockCount { get; }

    /// <summary>True when sector 0 of a bitmap byte is its most significant bit (VHD), false for least (VHDX).</summary>
    protected abstract bool BitmapMsbFirst { get; }

    /// <summary>Entry of block <paramref name="index"/> (0 ≤ index &lt; BlockCount); offsets already range-checked.</summary>
    protected abstract BlockEntry GetBlock(long index);

    /// <summary>Fills <paramref name="bits"/> (BlockSize / SectorSize bits, rounded up to bytes) for a <see cref="BlockKind.Partial"/> block.</summary>
    protected abstract void ReadSectorBitmap(long index, Span<byte> bits);

    private int BitmapBytes => (int)(((BlockSize / SectorSize) + 7) / 8);

    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        var total = (int)Math.Min(buffer.Length, Length - offset);
        var pos = offset;
        var end = offset + total;
        byte[]? bitmap = null;
        try
        {
            while (pos < end)
            {
                var index = pos / BlockSize;
                var inBlock = pos - (index * BlockSize);
                var n = (int)Math.Min(end - pos, BlockSize - inBlock);
                var dest = buffer.Slice((int)(pos - offset), n);
                var entry = GetBlock(index);
                switch (entry.Kind)
                {
                    case BlockKind.Inherit:
                        LayeredExtentMap.ReadBacking(Parent, pos, dest);
                        break;
                    case BlockKind.Zero:
                        dest.Clear();
                        break;
                    case BlockKind.Present:
                        Data.ReadExactlyAt(entry.FileOffset + inBlock, dest, $"{Path}: block {index}");
                        break;
                    default:
                        bitmap ??= ArrayPool<byte>.Shared.Rent(BitmapBytes);
                        ReadPartial(index, entry.FileOffset, inBlock, dest, bitmap.AsSpan(0, BitmapBytes));
                        break;
                }

                pos += n;
            }
        }
        finally
        {
            if (bitmap is not null)
            {
                ArrayPool<byte>.Shared.Return(bitmap);
            }
        }

        return total;
    }

    private void ReadPartial(long index, long fileOffset, long inBlock, Span<byte> dest, Span<byte> bits)
    {
        ReadSectorBitmap(index, bits);
        var blockStart = index * BlockSize;
        var done = 0;
        while (done < dest.Length)
        {
            var at = inBlock + done;
            var sector = at / SectorSize;
            var limit = (inBlock + dest.Length + SectorSize - 1) / SectorSize;
            var run = SectorBitmap.Run(bits, sector, limit, BitmapMsbFirst, out var present);
            var runEnd = Math.Min((sector + run) * SectorSize, inBlock + dest.Length);
            var part = dest.Slice(done, (int)(runEnd - at));
            if (present)
            {
                Data.ReadExactlyAt(fileOffset + at, part, $"{Path}: block {index}");
            }
            else
            {
                LayeredExtentMap.ReadBacking(Parent, blockStart + at, part);
            }

            done += part.Length;
        }
    }

    public virtual IReadOnlyList<DiskExtent> GetAllocationMap()
    {
        var own = new ExtentMapBuilder();
        byte[]? bits = null;
        for (long index = 0; index < BlockCount; index++)
        {
            var start = index * BlockSize;
            var len = Math.Min(BlockSize, Length - start);
            var entry = GetBlock(index);
            switch (entry.Kind)
            {
                case BlockKind.Inherit:
                    own.Add(start, len, ExtentKind.Unallocated);
                    break;
                case BlockKind.Zero:
                    own.Add(start, len, ExtentKind.Zero);
                    break;
                case BlockKind.Present:
                    own.Add(start, len, ExtentKind.Allocated, entry.FileOffset);
                    break;
                default:
                    bits ??= new byte[BitmapBytes];
                    ReadSectorBitmap(index, bits);
                    var sectors = (len + SectorSize - 1) / SectorSize;
                    for (long s = 0; s < sectors;)
                    {
                        var run = SectorBitmap.Run(bits, s, sectors, BitmapMsbFirst, out var present);
                        var a = s * SectorSize;
                        var b = Math.Min((s + run) * SectorSize, len);
                        own.Add(start + a, b - a, present ? ExtentKind.Allocated : ExtentKind.Unallocated, entry.FileOffset + a);
                        s += run;
                    }

                    break;
            }
        }

        return LayeredExtentMap.Resolve(own.Build(Length), Parent, Length);
    }

    public void Dispose()
    {
        Parent?.Dispose();
        if (!ReferenceEquals(Data, _owner))
        {
            Data.Dispose();
        }

        _owner.Dispose();
    }
}
