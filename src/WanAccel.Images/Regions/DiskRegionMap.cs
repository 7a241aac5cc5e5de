using WanAccel.Images.Containers;
using WanAccel.Images.FileSystems;
using WanAccel.Images.IO;
using WanAccel.Images.Partitions;

namespace WanAccel.Images.Regions;

/// <summary>
/// Everything a copy needs to decide which bytes of a virtual disk to read and send: sorted, disjoint, merged
/// <see cref="Regions"/> covering [0, <see cref="Length"/>), the partitions with their file systems, and byte totals.
/// Iterate <see cref="RegionsToTransfer"/> for a policy; every other byte reads as zeros at the destination.
/// </summary>
public sealed class DiskRegionMap
{
    private readonly long[] _bytesByKind;

    private DiskRegionMap(long length, PartitionScheme scheme, IReadOnlyList<MappedPartition> partitions, IReadOnlyList<DiskRegion> regions)
    {
        Length = length;
        Scheme = scheme;
        Partitions = partitions;
        Regions = regions;
        _bytesByKind = new long[Enum.GetValues<RegionKind>().Length];
        foreach (var r in regions)
        {
            _bytesByKind[(int)r.Kind] += r.Length;
        }
    }

    /// <summary>Virtual size of the disk.</summary>
    public long Length { get; }

    public PartitionScheme Scheme { get; }

    /// <summary>Partitions in offset order; for a bare file system a single pseudo-partition (index 0) covering the disk.</summary>
    public IReadOnlyList<MappedPartition> Partitions { get; }

    /// <summary>Sorted, disjoint, merged regions covering [0, Length).</summary>
    public IReadOnlyList<DiskRegion> Regions { get; }

    /// <summary>
    /// Maps <paramref name="disk"/>: reads its allocation map, partition table (throws <see cref="ImageFormatException"/> when malformed)
    /// and the file system of each partition. A file system that fails to parse does not fail the map: the partition records the error
    /// and its bytes count as <see cref="RegionKind.Other"/> (always sent).
    /// </summary>
    public static DiskRegionMap Build(IVirtualDisk disk) => Build(disk, disk.GetAllocationMap());

    /// <summary>As <see cref="Build(IVirtualDisk)"/> over any byte source with a given allocation map (tests, in-memory disks).</summary>
    public static DiskRegionMap Build(IByteSource disk, IReadOnlyList<DiskExtent> allocation)
    {
        var table = PartitionTable.Read(disk);
        var mapped = new List<MappedPartition>();
        if (table.Scheme == PartitionScheme.None)
        {
            var whole = new Partition(0, 0, disk.Length, "whole disk", PartitionScheme.None);
            var found = Probe(disk, whole);
            if (found.FileSystem is not null || found.Error is not null)
            {
                mapped.Add(found);
            }
        }
        else
        {
            mapped.AddRange(table.Partitions.Select(p => Probe(disk, p)));
        }

        var guest = RegionMapBuilder.GuestView(disk.Length, mapped);
        var regions = RegionMapBuilder.Combine(disk.Length, allocation, guest);
        return new DiskRegionMap(disk.Length, table.Scheme, mapped, regions);
    }

    /// <summary>Total bytes of one kind.</summary>
    public long BytesOf(RegionKind kind) => _bytesByKind[(int)kind];

    /// <summary>Bytes stored as data in the container (allocated, zero clusters excluded).</summary>
    public long AllocatedBytes => BytesOf(RegionKind.GuestFree) + BytesOf(RegionKind.GuestUsed) + BytesOf(RegionKind.Other);

    /// <summary>Bytes a copy reads and sends under <paramref name="policy"/>.</summary>
    public long TransferBytes(TransferPolicy policy) =>
        policy == TransferPolicy.SkipGuestFree ? AllocatedBytes - BytesOf(RegionKind.GuestFree) : AllocatedBytes;

    /// <summary>True when a region of <paramref name="kind"/> is read and sent under <paramref name="policy"/>.</summary>
    public static bool IsTransferred(RegionKind kind, TransferPolicy policy) => kind switch
    {
        RegionKind.GuestUsed or RegionKind.Other => true,
        RegionKind.GuestFree => policy == TransferPolicy.Exact,
        _ => false,
    };

    /// <summary>The regions to read and send under <paramref name="policy"/>, in disk order, neighbours merged.</summary>
    public IEnumerable<ByteRange> RegionsToTransfer(TransferPolicy policy)
    {
        long start = -1;
        long end = -1;
        foreach (var r in Regions)
        {
            if (!IsTransferred(r.Kind, policy))
            {
                continue;
            }

            if (r.Offset == end)
            {
                end = r.End;
                continue;
            }

            if (end > start)
            {
                yield return new ByteRange(start, end - start);
            }

            (start, end) = (r.Offset, r.End);
        }

        if (end > start)
        {
            yield return new ByteRange(start, end - start);
        }
    }

    private static MappedPartition Probe(IByteSource disk, Partition partition)
    {
        try
        {
            var volume = new SliceByteSource(disk, partition.Offset, partition.Size);
            return new MappedPartition(partition, GuestFileSystems.Read(volume));
        }
        catch (ImageFormatException ex)
        {
            return new MappedPartition(partition, null, $"{ex.Error}: {ex.Message}");
        }
    }
}
