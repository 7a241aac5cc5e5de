using System.Buffers.Binary;
using System.Text;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Qcow2;

/// <summary>
/// The QCOW2 header (docs/interop/qcow2.txt, big-endian) and its extensions, validated against the file it came from.
/// Only what a read-only reader of the active L1 table needs; refcounts and snapshots are ignored.
/// </summary>
internal sealed record Qcow2Header
{
    public const uint Magic = 0x514649fb; // "QFI\xfb"

    /// <summary>Largest virtual size accepted (64 TiB), well above any real image and bounding every table.</summary>
    public const long MaxVirtualSize = 64L << 40;

    /// <summary>qemu's QCOW_MAX_L1_SIZE: 32 MiB of L1 entries.</summary>
    public const long MaxL1Bytes = 32L << 20;

    public const ulong IncompatDirty = 1UL << 0;
    public const ulong IncompatCorrupt = 1UL << 1;
    public const ulong IncompatDataFile = 1UL << 2;
    public const ulong IncompatCompression = 1UL << 3;
    public const ulong IncompatExtendedL2 = 1UL << 4;
    private const ulong KnownIncompat = IncompatDirty | IncompatCorrupt | IncompatDataFile | IncompatCompression | IncompatExtendedL2;

    private const uint ExtEnd = 0;
    private const uint ExtBackingFormat = 0xe2792aca;
    private const uint ExtFeatureTable = 0x6803f857;
    private const uint ExtDataFile = 0x44415441;
    private const uint ExtEncryption = 0x0537be77;

    public int Version { get; init; }

    public int ClusterBits { get; init; }

    public long ClusterSize => 1L << ClusterBits;

    public long Size { get; init; }

    public long L1Offset { get; init; }

    /// <summary>L1 entries that cover the virtual size (the table on disk may be longer).</summary>
    public int L1Entries { get; init; }

    public ulong IncompatibleFeatures { get; init; }

    public bool ExtendedL2 => (IncompatibleFeatures & IncompatExtendedL2) != 0;

    /// <summary>0 = zlib (raw deflate), 1 = zstd.</summary>
    public byte CompressionType { get; init; }

    public string? BackingFile { get; init; }

    public string? BackingFormat { get; init; }

    /// <summary>Feature names from the feature name table, keyed by (type, bit).</summary>
    public IReadOnlyDictionary<(byte Type, byte Bit), string> FeatureNames { get; init; } = new Dictionary<(byte, byte), string>();

    /// <summary>Bytes of guest data one L2 table maps.</summary>
    public long BytesPerL2 => ClusterSize * (ClusterSize / (ExtendedL2 ? 16 : 8));

    public static bool Probe(ReadOnlySpan<byte> head) => head.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(head) == Magic;

    public static Qcow2Header Read(IByteSource file, string path)
    {
        Span<byte> h = stackalloc byte[112];
        h.Clear();
        file.ReadExactlyAt(0, h[..72], "qcow2 header");
        if (BinaryPrimitives.ReadUInt32BigEndian(h) != Magic)
        {
            throw Error(ImageError.Corrupt, path, "bad magic");
        }

        var version = BinaryPrimitives.ReadUInt32BigEndian(h[4..]);
        if (version is not (2 or 3))
        {
            throw Error(ImageError.Unsupported, path, $"version {version}");
        }

        var backingOffset = BinaryPrimitives.ReadUInt64BigEndian(h[8..]);
        var backingSize = BinaryPrimitives.ReadUInt32BigEndian(h[16..]);
        var clusterBits = BinaryPrimitives.ReadUInt32BigEndian(h[20..]);
        var size = BinaryPrimitives.ReadUInt64BigEndian(h[24..]);
        var cryptMethod = BinaryPrimitives.ReadUInt32BigEndian(h[32..]);
        var l1Size = BinaryPrimitives.ReadUInt32BigEndian(h[36..]);
        var l1Offset = BinaryPrimitives.ReadUInt64BigEndian(h[40..]);

        // qemu accepts 512 B .. 2 MiB clusters (MIN/MAX_CLUSTER_BITS).
        if (clusterBits is < 9 or > 21)
        {
            throw Error(ImageError.Corrupt, path, $"cluster_bits {clusterBits} outside 9..21");
        }

        var clusterSize = 1L << (int)clusterBits;
        if (size > MaxVirtualSize)
        {
            throw Error(ImageError.LimitExceeded, path, $"virtual size {size} above {MaxVirtualSize}");
        }

        if (cryptMethod != 0)
        {
            throw Error(ImageError.Unsupported, path, $"encryption method {cryptMethod}");
        }

        ulong incompat = 0;
        byte compression = 0;
        long headerLength = 72;
        if (version == 3)
        {
            file.ReadExactlyAt(72, h[72..104], "qcow2 v3 header");
            incompat = BinaryPrimitives.ReadUInt64BigEndian(h[72..]);
            var refcountOrder = BinaryPrimitives.ReadUInt32BigEndian(h[96..]);
            headerLength = BinaryPrimitives.ReadUInt32BigEndian(h[100..]);
            if (headerLength < 104 || headerLength > clusterSize || headerLength % 8 != 0)
            {
                throw Error(ImageError.Corrupt, path, $"header_length {headerLength}");
            }

            if (refcountOrder > 6)
            {
                throw Error(ImageError.Corrupt, path, $"refcount_order {refcountOrder}");
            }

            if (headerLength > 104)
            {
                file.ReadExactlyAt(104, h[104..105], "qcow2 compression type");
                compression = h[104];
            }
        }

        var ext = ReadExtensions(file, path, headerLength, clusterSize);
        var unknown = incompat & ~KnownIncompat;
        if (unknown != 0)
        {
            throw Error(ImageError.Unsupported, path, $"unknown incompatible features {Describe(unknown, ext.Features)}");
        }

        if ((incompat & IncompatDataFile) != 0 || ext.HasDataFile)
        {
            throw Error(ImageError.Unsupported, path, "external data file");
        }

        if (ext.HasEncryption)
        {
            throw Error(ImageError.Unsupported, path, "full disk encryption");
        }

        if ((incompat & IncompatCompression) == 0 ? compression != 0 : compression > 1)
        {
            throw Error(ImageError.Unsupported, path, $"compression type {compression}");
        }

        var extendedL2 = (incompat & IncompatExtendedL2) != 0;
        if (extendedL2 && clusterBits < 14)
        {
            throw Error(ImageError.Corrupt, path, "extended L2 entries need clusters of at least 16 KiB");
        }

        var bytesPerL2 = clusterSize * (clusterSize / (extendedL2 ? 16 : 8));
        var needed = (long)((size + (ulong)bytesPerL2 - 1) / (ulong)bytesPerL2);
        if (needed * 8 > MaxL1Bytes)
        {
            throw Error(ImageError.LimitExceeded, path, $"L1 table of {needed} entries");
        }

        if (l1Size < needed)
        {
            throw Error(ImageError.Corrupt, path, $"L1 table of {l1Size} entries, {needed} needed for {size} bytes");
        }

        if (needed > 0 && (l1Offset % (ulong)clusterSize != 0 || l1Offset == 0))
        {
            throw Error(ImageError.Corrupt, path, $"L1 table offset {l1Offset} not cluster-aligned");
        }

        if (needed > 0 && (l1Offset > (ulong)file.Length || (ulong)(needed * 8) > (ulong)file.Length - l1Offset))
        {
            throw Error(ImageError.Truncated, path, $"L1 table ({needed} entries at {l1Offset}) beyond the end of the file");
        }

        return new Qcow2Header
        {
            Version = (int)version,
            ClusterBits = (int)clusterBits,
            Size = (long)size,
            L1Offset = (long)l1Offset,
            L1Entries = (int)needed,
            IncompatibleFeatures = incompat,
            CompressionType = compression,
            BackingFile = ReadBackingName(file, path, backingOffset, backingSize),
            BackingFormat = ext.BackingFormat,
            FeatureNames = ext.Features,
        };
    }

    /// <summary>Names set bits with the image's own feature table where it has one.</summary>
    public static string Describe(ulong bits, IReadOnlyDictionary<(byte, byte), string> names)
    {
        var parts = new List<string>();
        for (var b = 0; b < 64; b++)
        {
            if ((bits & (1UL << b)) != 0)
            {
                parts.Add(names.TryGetValue((0, (byte)b), out var n) ? $"{b} ({n})" : $"bit {b}");
            }
        }

        return string.Join(", ", parts);
    }

    private static string? ReadBackingName(IByteSource file, string path, ulong offset, uint size)
    {
        if (offset == 0)
        {
            return null;
        }

        // qemu refuses backing names over 1023 bytes.
        if (size == 0 || size > 1023)
        {
            throw Error(ImageError.Corrupt, path, $"backing file name of {size} bytes");
        }

        if (offset > (ulong)file.Length)
        {
            throw Error(ImageError.Truncated, path, "backing file name beyond the end of the file");
        }

        var name = new byte[size];
        file.ReadExactlyAt((long)offset, name, "qcow2 backing file name");
        return Encoding.UTF8.GetString(name);
    }

    private static Extensions ReadExtensions(IByteSource file, string path, long start, long clusterSize)
    {
        // Extensions live in the rest of the first cluster (qcow2.txt "Header extensions").
        var end = Math.Min(clusterSize, file.Length);
        var result = new Extensions();
        if (start >= end)
        {
            return result;
        }

        var area = new byte[end - start];
        file.ReadExactlyAt(start, area, "qcow2 header extensions");
        var pos = 0;
        while (pos + 8 <= area.Length)
        {
            var type = BinaryPrimitives.ReadUInt32BigEndian(area.AsSpan(pos));
            var length = BinaryPrimitives.ReadUInt32BigEndian(area.AsSpan(pos + 4));
            pos += 8;
            if (type == ExtEnd)
            {
                break;
            }

            if (length > area.Length - pos)
            {
                throw Error(ImageError.Corrupt, path, $"header extension 0x{type:x8} of {length} bytes overruns the first cluster");
            }

            var data = area.AsSpan(pos, (int)length);
            switch (type)
            {
                case ExtBackingFormat:
                    result.BackingFormat = Encoding.UTF8.GetString(data.TrimEnd((byte)0));
                    break;
                case ExtFeatureTable:
                    for (var i = 0; i + 48 <= data.Length; i += 48)
                    {
                        var name = Encoding.UTF8.GetString(data.Slice(i + 2, 46).TrimEnd((byte)0));
                        result.Features[(data[i], data[i + 1])] = name;
                    }

                    break;
                case ExtDataFile:
                    result.HasDataFile = true;
                    break;
                case ExtEncryption:
                    result.HasEncryption = true;
                    break;
            }

            // Each extension is padded to 8 bytes.
            pos += (int)Math.Min((length + 7L) & ~7L, area.Length - pos);
        }

        return result;
    }

    private static ImageFormatException Error(ImageError error, string path, string message) => new(error, $"{path}: qcow2 {message}");

    private sealed class Extensions
    {
        public string? BackingFormat { get; set; }

        public Dictionary<(byte, byte), string> Features { get; } = [];

        public bool HasDataFile { get; set; }

        public bool HasEncryption { get; set; }
    }
}
