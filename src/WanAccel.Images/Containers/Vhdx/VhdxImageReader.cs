using System.Buffers.Binary;
using WanAccel.Images.Containers.Shared;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Vhdx;

/// <summary>
/// Microsoft VHDX (MS-VHDX v1): dynamic, fixed and differencing, with in-memory replay of a dirty log.
/// Every offset and count from the file is range-checked before use.
/// </summary>
internal sealed class VhdxImageReader : IImageFormatReader
{
    /// <summary>Most BAT entries loaded (128 MiB of table: 64 TiB at 4 MiB blocks).</summary>
    public const long MaxBatEntries = 1L << 24;

    private const long Mib = 1L << 20;

    public ImageFormat Format => ImageFormat.Vhdx;

    public bool Probe(ReadOnlySpan<byte> head, IByteSource file) => head.Length >= 8 && head[..8].SequenceEqual("vhdxfile"u8);

    public IVirtualDisk Open(string path, FileByteSource file, ImageOpenContext context)
    {
        var header = ReadHeader(path, file);
        if (header.Version != 1)
        {
            throw new ImageFormatException(ImageError.Unsupported, $"{path}: VHDX version {header.Version}");
        }

        IByteSource data = header.LogGuid == Guid.Empty ? file : VhdxLog.Replay(path, file, header);
        var regions = ReadRegions(path, data);
        var batRegion = Region(path, regions, VhdxGuids.BatRegion, data.Length);
        var metadataRegion = Region(path, regions, VhdxGuids.MetadataRegion, data.Length);
        foreach (var r in regions)
        {
            if (r.Required && r.Id != VhdxGuids.BatRegion && r.Id != VhdxGuids.MetadataRegion)
            {
                throw new ImageFormatException(ImageError.Unsupported, $"{path}: VHDX requires unknown region {r.Id}");
            }
        }

        if (batRegion.FileOffset < metadataRegion.FileOffset + metadataRegion.Length && metadataRegion.FileOffset < batRegion.FileOffset + batRegion.Length)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX BAT and metadata regions overlap");
        }

        var metadata = VhdxMetadata.Read(path, data, metadataRegion);
        var chunkRatio = (1L << 23) * metadata.LogicalSectorSize / metadata.BlockSize;
        var dataBlocks = metadata.VirtualDiskSize == 0 ? 0 : ((metadata.VirtualDiskSize - 1) / metadata.BlockSize) + 1;
        var bitmapBlocks = dataBlocks == 0 ? 0 : ((dataBlocks - 1) / chunkRatio) + 1;

        // MS-VHDX 2.5: a differencing file has a bitmap entry for every chunk; otherwise only between payload entries.
        var entries = metadata.HasParent ? bitmapBlocks * (chunkRatio + 1) : dataBlocks == 0 ? 0 : dataBlocks + ((dataBlocks - 1) / chunkRatio);
        if (entries > MaxBatEntries)
        {
            throw new ImageFormatException(ImageError.LimitExceeded, $"{path}: {entries} VHDX BAT entries exceed {MaxBatEntries}");
        }

        if (entries * 8 > batRegion.Length)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX BAT region of {batRegion.Length} bytes cannot hold {entries} entries");
        }

        var raw = new byte[entries * 8];
        data.ReadExactlyAt(batRegion.FileOffset, raw, $"{path}: VHDX BAT");
        var bat = new ulong[entries];
        for (var i = 0; i < bat.Length; i++)
        {
            bat[i] = BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(i * 8));
        }

        ValidateBat(path, bat, metadata, chunkRatio, dataBlocks, data.Length, [batRegion, metadataRegion], header);

        IVirtualDisk? parent = null;
        if (metadata.HasParent)
        {
            parent = OpenParent(path, metadata.ParentLocator!, context);
        }

        return new VhdxDisk(data, file, metadata, bat, chunkRatio, header.DataWriteGuid, parent);
    }

    /// <summary>MS-VHDX 2.2.2: use the valid header with the higher sequence number.</summary>
    private static VhdxHeader ReadHeader(string path, IByteSource file)
    {
        var b = new byte[VhdxHeader.Size];
        VhdxHeader? best = null;
        foreach (var at in new[] { VhdxHeader.Header1Offset, VhdxHeader.Header2Offset })
        {
            if (at > file.Length - VhdxHeader.Size)
            {
                continue;
            }

            file.ReadExactlyAt(at, b, $"{path}: VHDX header");
            if (VhdxHeader.TryParse(b) is { } h && (best is null || h.SequenceNumber > best.SequenceNumber))
            {
                best = h;
            }
        }

        return best ?? throw new ImageFormatException(ImageError.Corrupt, $"{path}: no VHDX header with a valid checksum");
    }

    private static IReadOnlyList<VhdxRegion> ReadRegions(string path, IByteSource file)
    {
        var b = new byte[VhdxRegionTable.Size];
        foreach (var at in new[] { VhdxRegionTable.Table1Offset, VhdxRegionTable.Table2Offset })
        {
            if (at > file.Length - VhdxRegionTable.Size)
            {
                continue;
            }

            file.ReadExactlyAt(at, b, $"{path}: VHDX region table");
            if (VhdxRegionTable.TryParse(b, path) is { } regions)
            {
                return regions;
            }
        }

        throw new ImageFormatException(ImageError.Corrupt, $"{path}: no VHDX region table with a valid checksum");
    }

    private static VhdxRegion Region(string path, IReadOnlyList<VhdxRegion> regions, Guid id, long fileLength)
    {
        VhdxRegion? found = null;
        foreach (var r in regions)
        {
            if (r.Id == id)
            {
                if (found is not null)
                {
                    throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX region {id} listed twice");
                }

                found = r;
            }
        }

        var region = found ?? throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX region {id} missing");

        // MS-VHDX 2.2.3.2: regions are 1 MiB aligned, at or after 1 MiB.
        if (region.FileOffset < Mib || region.FileOffset % Mib != 0 || region.Length % Mib != 0 || region.Length == 0)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX region {id} [{region.FileOffset}, +{region.Length}) is not 1 MiB aligned");
        }

        if (region.FileOffset > fileLength - region.Length)
        {
            throw new ImageFormatException(ImageError.Truncated, $"{path}: VHDX region {id} [{region.FileOffset}, +{region.Length}) lies beyond the end");
        }

        return region;
    }

    /// <summary>States must be known; stored blocks must lie in the file, clear of the header area, the regions and each other.</summary>
    private static void ValidateBat(string path, ulong[] bat, VhdxMetadata metadata, long chunkRatio, long dataBlocks, long fileLength, VhdxRegion[] regions, VhdxHeader header)
    {
        var used = new List<(long Start, long Length)>();
        for (long block = 0; block < dataBlocks; block++)
        {
            var e = bat[VhdxDisk.PayloadIndex(block, chunkRatio)];
            var state = (int)(e & 7);
            switch (state)
            {
                case VhdxDisk.PayloadNotPresent or VhdxDisk.PayloadUndefined or VhdxDisk.PayloadZero or VhdxDisk.PayloadUnmapped:
                    continue;
                case VhdxDisk.PayloadFullyPresent:
                    break;
                case VhdxDisk.PayloadPartiallyPresent when metadata.HasParent:
                    var bitmap = bat[VhdxDisk.BitmapIndex(block / chunkRatio, chunkRatio)];
                    if ((int)(bitmap & 7) != VhdxDisk.SectorBitmapPresent)
                    {
                        throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX block {block} is partially present but its sector bitmap is not");
                    }

                    break;
                default:
                    throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX block {block} has invalid state {state}");
            }

            var start = VhdxDisk.OffsetOf(e);
            var length = Math.Min(metadata.BlockSize, metadata.VirtualDiskSize - (block * metadata.BlockSize));
            if (start < Mib || start > fileLength - length)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX block {block} at {start} (+{length}) lies outside the file ({fileLength} bytes)");
            }

            used.Add((start, length));
        }

        if (metadata.HasParent)
        {
            for (long chunk = 0; chunk * (chunkRatio + 1) < bat.Length; chunk++)
            {
                var e = bat[VhdxDisk.BitmapIndex(chunk, chunkRatio)];
                if ((int)(e & 7) != VhdxDisk.SectorBitmapPresent)
                {
                    continue;
                }

                var start = VhdxDisk.OffsetOf(e);
                if (start < Mib || start > fileLength - Mib)
                {
                    throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX sector bitmap {chunk} at {start} lies outside the file");
                }

                used.Add((start, Mib));
            }
        }

        foreach (var r in regions)
        {
            used.Add((r.FileOffset, r.Length));
        }

        if (header.LogGuid != Guid.Empty)
        {
            used.Add(((long)header.LogOffset, header.LogLength));
        }

        used.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (var i = 1; i < used.Count; i++)
        {
            if (used[i].Start < used[i - 1].Start + used[i - 1].Length)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX blocks/regions at {used[i - 1].Start} and {used[i].Start} overlap");
            }
        }
    }

    private static IVirtualDisk OpenParent(string path, IReadOnlyDictionary<string, string> locator, ImageOpenContext context)
    {
        var recorded = new List<(string Kind, string Value)>();
        if (locator.TryGetValue("relative_path", out var rel))
        {
            recorded.Add(("relative", rel));
        }

        if (locator.TryGetValue("absolute_win32_path", out var abs))
        {
            recorded.Add(("absolute", abs));
        }

        var parentPath = ParentPathResolver.Resolve(path, recorded);
        var parent = context.OpenParent(path, parentPath);
        if (parent is VhdxDisk vhdx)
        {
            var linked = Linkage(locator, "parent_linkage") == vhdx.DataWriteGuid || Linkage(locator, "parent_linkage2") == vhdx.DataWriteGuid;
            if (!linked)
            {
                parent.Dispose();
                throw new ImageFormatException(ImageError.Corrupt, $"{path}: parent {parentPath} DataWriteGuid {vhdx.DataWriteGuid} does not match parent_linkage");
            }
        }

        return parent;
    }

    private static Guid? Linkage(IReadOnlyDictionary<string, string> locator, string key)
        => locator.TryGetValue(key, out var s) && Guid.TryParse(s, out var g) ? g : null;
}
