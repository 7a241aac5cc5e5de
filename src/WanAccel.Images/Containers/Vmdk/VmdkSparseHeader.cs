using System.Buffers.Binary;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Vmdk;

/// <summary>
/// The hosted sparse extent header ("KDMV", VMware Virtual Disk Format 1.1 §"Hosted Sparse Extent Header", little-endian),
/// taken from the footer when the header says the grain directory is at the end (streamOptimized).
/// </summary>
internal sealed record VmdkSparseHeader
{
    public const uint Magic = 0x564d444b; // "KDMV"
    public const int Sector = 512;

    /// <summary>64 TiB of sectors: bounds every table.</summary>
    public const long MaxCapacitySectors = (64L << 40) / Sector;

    /// <summary>Largest grain accepted: 16 MiB (VMware writes 64 KiB); bounds the per-grain buffers.</summary>
    public const long MaxGrainSectors = 32768;

    /// <summary>Grain directory bytes accepted (bounds the allocation of the directory).</summary>
    public const long MaxDirectoryBytes = 32L << 20;

    private const ulong GdAtEnd = ulong.MaxValue;
    private const uint FlagCompressed = 1u << 16;
    private const uint FlagMarkers = 1u << 17;

    public long CapacitySectors { get; init; }

    public long GrainSectors { get; init; }

    public long GrainBytes => GrainSectors * Sector;

    public int GtesPerGt { get; init; }

    public long GdOffsetSectors { get; init; }

    public int GdEntries { get; init; }

    public long DescriptorOffsetSectors { get; init; }

    public long DescriptorSizeSectors { get; init; }

    public bool Compressed { get; init; }

    public bool Markers { get; init; }

    public static VmdkSparseHeader Read(IByteSource file, string path)
    {
        Span<byte> h = stackalloc byte[Sector];
        file.ReadExactlyAt(0, h, "vmdk sparse header");
        if (BinaryPrimitives.ReadUInt64LittleEndian(h[56..]) == GdAtEnd)
        {
            // streamOptimized: footer marker, footer (a copy of the header with the real GD offset), end-of-stream marker.
            if (file.Length < 3 * Sector)
            {
                throw Error(ImageError.Truncated, path, "no footer");
            }

            file.ReadExactlyAt(file.Length - (2 * Sector), h, "vmdk footer");
            if (BinaryPrimitives.ReadUInt32LittleEndian(h) != Magic || BinaryPrimitives.ReadUInt64LittleEndian(h[56..]) == GdAtEnd)
            {
                throw Error(ImageError.Corrupt, path, "grain directory at the end but no valid footer");
            }
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(h) != Magic)
        {
            throw Error(ImageError.Corrupt, path, "bad magic");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(h[4..]);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(h[8..]);
        var capacity = BinaryPrimitives.ReadUInt64LittleEndian(h[12..]);
        var grain = BinaryPrimitives.ReadUInt64LittleEndian(h[20..]);
        var descOffset = BinaryPrimitives.ReadUInt64LittleEndian(h[28..]);
        var descSize = BinaryPrimitives.ReadUInt64LittleEndian(h[36..]);
        var gtes = BinaryPrimitives.ReadUInt32LittleEndian(h[44..]);
        var rgdOffset = BinaryPrimitives.ReadUInt64LittleEndian(h[48..]);
        var gdOffset = BinaryPrimitives.ReadUInt64LittleEndian(h[56..]);
        var algorithm = BinaryPrimitives.ReadUInt16LittleEndian(h[77..]);
        if (version is < 1 or > 3)
        {
            throw Error(ImageError.Unsupported, path, $"version {version}");
        }

        if (capacity > MaxCapacitySectors)
        {
            throw Error(ImageError.LimitExceeded, path, $"capacity of {capacity} sectors above 64 TiB");
        }

        if (grain == 0 || grain > MaxGrainSectors || (grain & (grain - 1)) != 0)
        {
            throw Error(grain > MaxGrainSectors ? ImageError.LimitExceeded : ImageError.Corrupt, path, $"grain of {grain} sectors");
        }

        if (gtes is 0 or > 65536)
        {
            throw Error(ImageError.Corrupt, path, $"{gtes} entries per grain table");
        }

        var compressed = (flags & FlagCompressed) != 0;
        if (compressed && algorithm != 1)
        {
            throw Error(ImageError.Unsupported, path, $"compression algorithm {algorithm}");
        }

        var bytesPerGt = (long)grain * gtes;
        var gdEntries = ((long)capacity + bytesPerGt - 1) / bytesPerGt;
        if (gdEntries * 4 > MaxDirectoryBytes)
        {
            throw Error(ImageError.LimitExceeded, path, $"grain directory of {gdEntries} entries");
        }

        // The redundant directory is a fallback only when the primary one is absent.
        var gd = gdOffset != 0 ? gdOffset : rgdOffset;
        if (gdEntries > 0 && (gd == 0 || gd > (ulong)(file.Length / Sector) || (gdEntries * 4) > file.Length - ((long)gd * Sector)))
        {
            throw Error(ImageError.Truncated, path, $"grain directory ({gdEntries} entries at sector {gd}) beyond the end of the file");
        }

        if (descSize > 128 || descOffset > (ulong)(file.Length / Sector))
        {
            throw Error(ImageError.LimitExceeded, path, $"embedded descriptor of {descSize} sectors at sector {descOffset}");
        }

        return new VmdkSparseHeader
        {
            CapacitySectors = (long)capacity,
            GrainSectors = (long)grain,
            GtesPerGt = (int)gtes,
            GdOffsetSectors = (long)gd,
            GdEntries = (int)gdEntries,
            DescriptorOffsetSectors = (long)descOffset,
            DescriptorSizeSectors = (long)descSize,
            Compressed = compressed,
            Markers = (flags & FlagMarkers) != 0,
        };
    }

    private static ImageFormatException Error(ImageError error, string path, string message) => new(error, $"{path}: vmdk {message}");
}
