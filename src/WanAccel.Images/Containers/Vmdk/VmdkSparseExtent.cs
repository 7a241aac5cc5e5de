using System.Buffers.Binary;
using WanAccel.Images.Containers.Shared;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Vmdk;

/// <summary>
/// A hosted sparse extent (monolithicSparse, streamOptimized, twoGbMaxExtentSparse pieces): grain directory → grain tables →
/// grains. GTE 0 = unallocated, 1 = zeroed grain, else the grain's sector (a grain marker when compressed).
/// </summary>
internal sealed class VmdkSparseExtent : IVmdkExtent
{
    private const int Sector = VmdkSparseHeader.Sector;

    private readonly FileByteSource _file;
    private readonly VmdkSparseHeader _header;
    private readonly uint[] _gd;
    private volatile TableCache? _gtCache;
    private volatile GrainCache? _grainCache;

    public VmdkSparseExtent(FileByteSource file, VmdkSparseHeader header, long length)
    {
        _file = file;
        _header = header;
        Length = length;
        var raw = new byte[header.GdEntries * 4];
        file.ReadExactlyAt(header.GdOffsetSectors * Sector, raw, "vmdk grain directory");
        _gd = new uint[header.GdEntries];
        var tables = new HashSet<uint>();
        for (var i = 0; i < _gd.Length; i++)
        {
            _gd[i] = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(i * 4));
            // Grain tables are never shared; refusing duplicates bounds the map's work by the file size.
            if (_gd[i] != 0 && !tables.Add(_gd[i]))
            {
                throw new ImageFormatException(ImageError.Corrupt, $"{file.Path}: vmdk grain table at sector {_gd[i]} referenced twice");
            }
        }
    }

    public long Length { get; }

    public long FileSize => _file.Length;

    private long BytesPerGt => _header.GrainBytes * _header.GtesPerGt;

    private long CapacityBytes => _header.CapacitySectors * Sector;

    public void Read(long offset, Span<byte> buffer, IVirtualDisk? parent, long diskOffset)
    {
        var grainBytes = _header.GrainBytes;
        var done = 0;
        while (done < buffer.Length)
        {
            var pos = offset + done;
            var inGrain = pos % grainBytes;
            var chunk = (int)Math.Min(grainBytes - inGrain, buffer.Length - done);
            var dest = buffer.Slice(done, chunk);
            var gte = pos < CapacityBytes ? GetGte(pos / grainBytes) : 0;
            if (gte == 0)
            {
                LayeredExtentMap.ReadBacking(parent, diskOffset + pos, dest);
            }
            else if (gte == 1)
            {
                dest.Clear();
            }
            else if (_header.Compressed)
            {
                Grain(gte).AsSpan((int)inGrain, chunk).CopyTo(dest);
            }
            else
            {
                var at = CheckedGrainOffset(gte);
                var n = _file.ReadAt(at + inGrain, dest);
                dest[n..].Clear();
            }

            done += chunk;
        }
    }

    public void Map(ExtentMapBuilder builder, long diskOffset, bool withFileOffsets)
    {
        var limit = Math.Min(Length, CapacityBytes);
        var grainBytes = _header.GrainBytes;
        for (var g = 0; g < _gd.Length && g * BytesPerGt < limit; g++)
        {
            var start = g * BytesPerGt;
            var table = GetTable(g);
            if (table is null)
            {
                builder.Add(diskOffset + start, Math.Min(BytesPerGt, limit - start), ExtentKind.Unallocated);
                continue;
            }

            for (var i = 0; i < table.Length && start + (i * grainBytes) < limit; i++)
            {
                var pos = start + (i * grainBytes);
                var size = Math.Min(grainBytes, limit - pos);
                var gte = table[i];
                if (gte == 0)
                {
                    builder.Add(diskOffset + pos, size, ExtentKind.Unallocated);
                }
                else if (gte == 1)
                {
                    builder.Add(diskOffset + pos, size, ExtentKind.Zero);
                }
                else
                {
                    var at = CheckedGrainOffset(gte);
                    builder.Add(diskOffset + pos, size, ExtentKind.Allocated, withFileOffsets && !_header.Compressed ? at : -1);
                }
            }
        }

        builder.Add(builder.End, diskOffset + Length - builder.End, ExtentKind.Unallocated);
    }

    public void Dispose() => _file.Dispose();

    private uint GetGte(long grainIndex)
    {
        var table = GetTable((int)(grainIndex / _header.GtesPerGt));
        return table is null ? 0 : table[grainIndex % _header.GtesPerGt];
    }

    private uint[]? GetTable(int gdIndex)
    {
        if (gdIndex >= _gd.Length || _gd[gdIndex] == 0)
        {
            return null;
        }

        var cache = _gtCache;
        if (cache is not null && cache.Index == gdIndex)
        {
            return cache.Entries;
        }

        var offset = (long)_gd[gdIndex] * Sector;
        var raw = new byte[_header.GtesPerGt * 4];
        if (offset > _file.Length - raw.Length)
        {
            throw new ImageFormatException(ImageError.Truncated, $"{_file.Path}: vmdk grain table {gdIndex} at {offset} beyond the end of the file");
        }

        _file.ReadExactlyAt(offset, raw, "vmdk grain table");
        var entries = new uint[_header.GtesPerGt];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(i * 4));
        }

        _gtCache = new TableCache(gdIndex, entries);
        return entries;
    }

    private long CheckedGrainOffset(uint gte)
    {
        var at = (long)gte * Sector;
        if (at >= _file.Length)
        {
            throw new ImageFormatException(ImageError.Truncated, $"{_file.Path}: vmdk grain at {at} beyond the end of the file ({_file.Length} bytes)");
        }

        return at;
    }

    /// <summary>Inflates a compressed grain: marker {u64 lba, u32 size} then zlib data (VMDK 1.1 "Stream-Optimized").</summary>
    private byte[] Grain(uint gte)
    {
        var cache = _grainCache;
        if (cache is not null && cache.Gte == gte)
        {
            return cache.Data;
        }

        var at = CheckedGrainOffset(gte);
        var grainBytes = (int)_header.GrainBytes;
        long dataAt = at;
        long size = 2L * grainBytes;
        if (_header.Markers)
        {
            Span<byte> marker = stackalloc byte[12];
            _file.ReadExactlyAt(at, marker, "vmdk grain marker");
            size = BinaryPrimitives.ReadUInt32LittleEndian(marker[8..]);
            dataAt = at + 12;
            // deflate never grows data by more than ~0.1% + a few bytes; anything larger is not a grain.
            if (size == 0 || size > (2L * grainBytes) + 1024)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"{_file.Path}: vmdk compressed grain at {at} claims {size} bytes");
            }
        }

        var input = new byte[(int)Math.Min(size, _file.Length - dataAt)];
        var n = _file.ReadAt(dataAt, input);
        var data = new byte[grainBytes];
        BoundedDecompressor.Decompress(CompressionCodec.Zlib, input, n, data, $"{_file.Path}: vmdk compressed grain at {at}");
        _grainCache = new GrainCache(gte, data);
        return data;
    }

    private sealed record TableCache(int Index, uint[] Entries);

    private sealed record GrainCache(uint Gte, byte[] Data);
}
