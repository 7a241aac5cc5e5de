using System.Buffers.Binary;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Qcow2;

/// <summary>
/// A QCOW2 image (v2/v3) read through its active L1/L2 tables: standard and extended (subcluster) L2 entries,
/// zero clusters, zlib/zstd compressed clusters, and unallocated space read from the backing file.
/// </summary>
internal sealed partial class Qcow2Disk : IVirtualDisk
{
    private const ulong OffsetMask = 0x00ff_ffff_ffff_fe00UL;
    private const ulong CompressedFlag = 1UL << 62;
    private const ulong ZeroFlag = 1UL;
    private const int SubclustersPerCluster = 32;

    private readonly FileByteSource _file;
    private readonly Qcow2Header _header;
    private readonly ulong[] _l1;
    private readonly IVirtualDisk? _backing;
    private readonly long _clusterSize;
    private readonly long _subclusterSize;
    private readonly int _entriesPerL2;
    private readonly int _compressedSizeShift;
    private readonly ulong _compressedSizeMask;
    private volatile L2Cache? _l2Cache;
    private volatile ClusterCache? _clusterCache;

    public Qcow2Disk(string path, FileByteSource file, Qcow2Header header, ulong[] l1, IVirtualDisk? backing)
    {
        Path = path;
        _file = file;
        _header = header;
        _l1 = l1;
        _backing = backing;
        _clusterSize = header.ClusterSize;
        _subclusterSize = header.ExtendedL2 ? _clusterSize / SubclustersPerCluster : _clusterSize;
        _entriesPerL2 = (int)(_clusterSize / 8);
        _compressedSizeShift = 62 - (header.ClusterBits - 8);
        _compressedSizeMask = (1UL << (header.ClusterBits - 8)) - 1;
        var warnings = new List<string>();
        if ((header.IncompatibleFeatures & Qcow2Header.IncompatCorrupt) != 0)
        {
            warnings.Add("image is marked corrupt (incompatible feature bit 1); read anyway, results may be wrong");
        }

        if ((header.IncompatibleFeatures & Qcow2Header.IncompatDirty) != 0)
        {
            warnings.Add("image is marked dirty (refcounts may be stale; irrelevant for reading)");
        }

        Warnings = warnings;
    }

    private enum UnitKind
    {
        Unallocated,
        Zero,
        Data,
        Compressed,
    }

    public string Path { get; }

    public ImageFormat Format => ImageFormat.Qcow2;

    public string Subformat => _header.Version == 2 ? "v2" : "v3";

    public long FileSize => _file.Length;

    public IReadOnlyList<string> Chain => _backing is null ? [Path] : [Path, .. _backing.Chain];

    public long Length => _header.Size;

    /// <summary>Conditions worth reporting that do not stop reading (corrupt or dirty bit).</summary>
    public IReadOnlyList<string> Warnings { get; }

    public void Dispose()
    {
        _file.Dispose();
        _backing?.Dispose();
    }

    /// <summary>The L2 table of L1 entry <paramref name="l1Index"/> (entry pairs when extended), or null when unallocated.</summary>
    private ulong[]? GetL2(int l1Index)
    {
        var offset = (long)(_l1[l1Index] & OffsetMask);
        if (offset == 0)
        {
            return null;
        }

        var cache = _l2Cache;
        if (cache is not null && cache.L1Index == l1Index)
        {
            return cache.Entries;
        }

        if (offset % _clusterSize != 0)
        {
            throw Error(ImageError.Corrupt, $"L2 table offset {offset} (L1 entry {l1Index}) not cluster-aligned");
        }

        if (offset > _file.Length - _clusterSize)
        {
            throw Error(ImageError.Truncated, $"L2 table at {offset} (L1 entry {l1Index}) beyond the end of the file ({_file.Length} bytes)");
        }

        var raw = new byte[_clusterSize];
        _file.ReadExactlyAt(offset, raw, "qcow2 L2 table");
        var entries = new ulong[_entriesPerL2];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(i * 8));
        }

        _l2Cache = new L2Cache(l1Index, entries);
        return entries;
    }

    /// <summary>What backs subcluster <paramref name="sub"/> of the cluster described by (entry, bitmap); qcow2.txt "Cluster mapping".</summary>
    private Unit Classify(ulong entry, ulong bitmap, int sub)
    {
        if ((entry & CompressedFlag) != 0)
        {
            var hostOffset = (long)(entry & ((1UL << _compressedSizeShift) - 1));
            var sectors = (long)((entry >> _compressedSizeShift) & _compressedSizeMask) + 1;
            var size = (sectors * 512) - (hostOffset & 511);
            if (hostOffset == 0 || hostOffset >= _file.Length)
            {
                throw Error(ImageError.Truncated, $"compressed cluster at {hostOffset} beyond the end of the file ({_file.Length} bytes)");
            }

            return new Unit(UnitKind.Compressed, hostOffset, (int)size);
        }

        var host = (long)(entry & OffsetMask);
        UnitKind kind;
        if (!_header.ExtendedL2)
        {
            kind = (entry & ZeroFlag) != 0 ? UnitKind.Zero : host == 0 ? UnitKind.Unallocated : UnitKind.Data;
        }
        else
        {
            var alloc = (uint)bitmap;
            var zero = (uint)(bitmap >> 32);
            if ((alloc & zero) != 0 || (host == 0 && alloc != 0))
            {
                throw Error(ImageError.Corrupt, $"invalid extended L2 entry 0x{entry:x16}/0x{bitmap:x16}");
            }

            kind = (zero & (1u << sub)) != 0 ? UnitKind.Zero : (alloc & (1u << sub)) != 0 ? UnitKind.Data : UnitKind.Unallocated;
            host += sub * _subclusterSize;
        }

        if (kind == UnitKind.Data)
        {
            if (host % _subclusterSize != 0)
            {
                throw Error(ImageError.Corrupt, $"data cluster offset {host} not aligned");
            }

            if (host >= _file.Length)
            {
                throw Error(ImageError.Truncated, $"data cluster at {host} beyond the end of the file ({_file.Length} bytes)");
            }
        }

        return new Unit(kind, host, 0);
    }

    private ImageFormatException Error(ImageError error, string message) => new(error, $"{Path}: qcow2 {message}");

    private readonly record struct Unit(UnitKind Kind, long Host, int CompressedSize);

    private sealed record L2Cache(int L1Index, ulong[] Entries);

    private sealed record ClusterCache(long Host, byte[] Data);
}
