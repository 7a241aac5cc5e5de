using WanAccel.Images.Containers.Shared;

namespace WanAccel.Images.Containers.Qcow2;

/// <summary>Reading guest data: one L2 lookup per (sub)cluster, contiguous reads within it.</summary>
internal sealed partial class Qcow2Disk
{
    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        var n = (int)Math.Min(buffer.Length, Length - offset);
        var bytesPerL2 = _header.BytesPerL2;
        var done = 0;
        while (done < n)
        {
            var pos = offset + done;
            var l1Index = (int)(pos / bytesPerL2);
            var inL2 = pos % bytesPerL2;
            var table = GetL2(l1Index);
            int chunk;
            if (table is null)
            {
                chunk = (int)Math.Min(bytesPerL2 - inL2, n - done);
                LayeredExtentMap.ReadBacking(_backing, pos, buffer.Slice(done, chunk));
                done += chunk;
                continue;
            }

            var cluster = (int)(inL2 / _clusterSize);
            var inCluster = inL2 % _clusterSize;
            var entry = _header.ExtendedL2 ? table[cluster * 2] : table[cluster];
            var bitmap = _header.ExtendedL2 ? table[(cluster * 2) + 1] : 0;
            var sub = (int)(inCluster / _subclusterSize);
            var unit = Classify(entry, bitmap, sub);
            var unitSize = unit.Kind == UnitKind.Compressed ? _clusterSize : _subclusterSize;
            var inUnit = unit.Kind == UnitKind.Compressed ? inCluster : inCluster % _subclusterSize;
            chunk = (int)Math.Min(unitSize - inUnit, n - done);
            var dest = buffer.Slice(done, chunk);
            switch (unit.Kind)
            {
                case UnitKind.Unallocated:
                    LayeredExtentMap.ReadBacking(_backing, pos, dest);
                    break;
                case UnitKind.Zero:
                    dest.Clear();
                    break;
                case UnitKind.Data:
                    var r = _file.ReadAt(unit.Host + inUnit, dest);
                    dest[r..].Clear(); // a last cluster cut short by EOF reads as zeros, as in qemu
                    break;
                default:
                    Decompressed(unit).AsSpan((int)inCluster, chunk).CopyTo(dest);
                    break;
            }

            done += chunk;
        }

        return n;
    }

    private byte[] Decompressed(Unit unit)
    {
        var cache = _clusterCache;
        if (cache is not null && cache.Host == unit.Host)
        {
            return cache.Data;
        }

        // The stored size may run past EOF for the last cluster (it is rounded up to 512-byte sectors).
        var length = (int)Math.Min(unit.CompressedSize, _file.Length - unit.Host);
        var input = new byte[length];
        length = _file.ReadAt(unit.Host, input);
        var data = new byte[_clusterSize];
        var codec = _header.CompressionType == 1 ? CompressionCodec.Zstd : CompressionCodec.Deflate;
        var produced = BoundedDecompressor.Decompress(codec, input, length, data, $"{Path}: qcow2 compressed cluster at {unit.Host}");
        if (produced != data.Length)
        {
            // As in qemu: a compressed cluster must inflate to exactly one cluster.
            throw Error(ImageError.Corrupt, $"compressed cluster at {unit.Host} inflates to {produced} bytes, not {data.Length}");
        }

        _clusterCache = new ClusterCache(unit.Host, data);
        return data;
    }
}
