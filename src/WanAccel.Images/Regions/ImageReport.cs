using System.Text.Json;
using WanAccel.Images.Containers;

namespace WanAccel.Images.Regions;

/// <summary>What <c>wanaccel inspect</c> reports about an image; serialises to one JSON object with camelCase names.</summary>
public sealed record ImageReport
{
    public required string Format { get; init; }
    public required string Subformat { get; init; }
    public required long VirtualSize { get; init; }
    public required long FileSize { get; init; }

    /// <summary>Virtual bytes backed by data in the container (zero clusters excluded).</summary>
    public required long AllocatedBytes { get; init; }

    /// <summary>The image then its parents/backing files, top first.</summary>
    public required IReadOnlyList<string> Chain { get; init; }

    public required string PartitionScheme { get; init; }
    public required IReadOnlyList<PartitionReport> Partitions { get; init; }
    public required TransferBytesReport TransferBytes { get; init; }

    /// <summary>Bytes per <see cref="RegionKind"/>; they add up to <see cref="VirtualSize"/>.</summary>
    public required RegionTotalsReport Regions { get; init; }

    /// <summary>Builds the report of an opened disk (reads its metadata, partition table and file systems).</summary>
    public static ImageReport Create(IVirtualDisk disk) => Create(disk, DiskRegionMap.Build(disk));

    public static ImageReport Create(IVirtualDisk disk, DiskRegionMap map) => new()
    {
        Format = disk.Format.ToString().ToLowerInvariant(),
        Subformat = disk.Subformat,
        VirtualSize = disk.Length,
        FileSize = disk.FileSize,
        AllocatedBytes = map.AllocatedBytes,
        Chain = disk.Chain,
        PartitionScheme = map.Scheme.ToString().ToLowerInvariant(),
        Partitions = [.. map.Partitions.Select(PartitionReport.From)],
        TransferBytes = new TransferBytesReport(map.TransferBytes(TransferPolicy.Exact), map.TransferBytes(TransferPolicy.SkipGuestFree)),
        Regions = new RegionTotalsReport(
            map.BytesOf(RegionKind.ContainerUnallocated),
            map.BytesOf(RegionKind.Zero),
            map.BytesOf(RegionKind.GuestFree),
            map.BytesOf(RegionKind.GuestUsed),
            map.BytesOf(RegionKind.Other)),
    };

    /// <summary>One indented JSON object (source-generated serializer, no reflection).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ImageReportJsonContext.Default.ImageReport);
}
