using WanAccel.Images.Containers;
using WanAccel.Images.FileSystems.Ext;
using WanAccel.Images.FileSystems.Ntfs;
using WanAccel.Images.IO;
using WanAccel.Images.Partitions;
using WanAccel.Images.Regions;
using WanAccel.Images.Tests.Support;

namespace WanAccel.Images.Tests.Regions;

public class DiskRegionMapTests
{
    [Fact]
    public void Build_GptDiskWithExtAndNtfs_TotalsAddUpAndMatchTools()
    {
        using var tmp = new TempDir();
        var (disk, ext, ntfs) = TestDisks.Gpt(tmp);
        using var image = DiskImage.Open(disk);
        var map = DiskRegionMap.Build(image);

        AssertCoversDisk(map, image);
        Assert.Equal(PartitionScheme.Gpt, map.Scheme);
        Assert.Equal(2, map.Partitions.Count);
        Assert.Equal("ext4", map.Partitions[0].FileSystem!.Type);
        Assert.Equal("ntfs", map.Partitions[1].FileSystem!.Type);
        Assert.Equal(GuestImages.Dumpe2fs(ext).Free * 1024, map.Partitions[0].FileSystem!.FreeBytes);
        Assert.Equal(GuestImages.NtfsInfo(ntfs).Free * 4096, map.Partitions[1].FileSystem!.FreeBytes);

        // big.bin (1 MiB) was deleted with debugfs: its stale data is allocated in the container but free in the guest.
        Assert.True(map.BytesOf(RegionKind.GuestFree) >= 1 << 20, $"guest free {map.BytesOf(RegionKind.GuestFree)}");
        Assert.True(map.BytesOf(RegionKind.Other) > 0); // the GPT itself
    }

    [Fact]
    public void Build_MbrDiskWithLogicalPartitions_TotalsAddUp()
    {
        using var tmp = new TempDir();
        var (disk, ext, _) = TestDisks.Mbr(tmp);
        using var image = DiskImage.Open(disk);
        var map = DiskRegionMap.Build(image);

        AssertCoversDisk(map, image);
        Assert.Equal(["ext4", "ext4", "ntfs"], map.Partitions.Select(p => p.FileSystem!.Type));
        var extFree = GuestImages.Dumpe2fs(ext).Free * 1024;
        Assert.Equal(extFree, map.Partitions[0].FileSystem!.FreeBytes);
        Assert.Equal(extFree, map.Partitions[1].FileSystem!.FreeBytes);
    }

    [Fact]
    public void Build_BareExt_SinglePseudoPartitionAndGuestFreeStaleData()
    {
        using var tmp = new TempDir();
        var img = tmp.File("ext.img");
        GuestImages.MakeExt(img, GuestImages.SampleTree(tmp), "64M", "-b", "4096");
        GuestImages.DebugfsRm(img, "/big.bin", "/mid.bin");
        using var image = DiskImage.Open(img);
        var map = DiskRegionMap.Build(image);

        AssertCoversDisk(map, image);
        Assert.Equal(PartitionScheme.None, map.Scheme);
        var p = Assert.Single(map.Partitions);
        Assert.Equal(0, p.Partition.Index);
        Assert.Equal(0, map.BytesOf(RegionKind.Other));
        Assert.True(map.BytesOf(RegionKind.GuestFree) >= (1 << 20) + 300_000);
    }

    [Fact]
    public void Build_SyntheticMaps_IntersectsExactly()
    {
        // 1 MiB disk, no table, an unknown payload: everything allocated is Other; holes and zero extents pass through.
        var bytes = new byte[1 << 20];
        DiskExtent[] alloc =
        [
            new(0, 4096, ExtentKind.Allocated, 0),
            new(4096, 8192, ExtentKind.Unallocated),
            new(12288, 4096, ExtentKind.Zero),
            new(16384, (1 << 20) - 16384, ExtentKind.Allocated, 16384),
        ];
        var map = DiskRegionMap.Build(new MemoryByteSource(bytes), alloc);
        Assert.Equal(
            [new DiskRegion(0, 4096, RegionKind.Other), new DiskRegion(4096, 8192, RegionKind.ContainerUnallocated),
             new DiskRegion(12288, 4096, RegionKind.Zero), new DiskRegion(16384, (1 << 20) - 16384, RegionKind.Other)],
            map.Regions);
        Assert.Equal((1 << 20) - 12288, map.TransferBytes(TransferPolicy.Exact));
        Assert.Equal([new(0, 4096), new(16384, (1 << 20) - 16384)], map.RegionsToTransfer(TransferPolicy.Exact));
    }

    [Fact]
    public void Build_CorruptFileSystemInPartition_RecordsErrorAndSendsItAsOther()
    {
        using var tmp = new TempDir();
        var (disk, _, _) = TestDisks.Gpt(tmp);
        var bytes = File.ReadAllBytes(disk);
        bytes[(2048 * 512) + 1024 + 0x18] = 9; // ext log block size 9: absurd
        var alloc = new[] { new DiskExtent(0, bytes.Length, ExtentKind.Allocated, 0) };
        var map = DiskRegionMap.Build(new MemoryByteSource(bytes), alloc);
        Assert.Null(map.Partitions[0].FileSystem);
        Assert.Contains("Corrupt", map.Partitions[0].Error, StringComparison.Ordinal);
        Assert.NotNull(map.Partitions[1].FileSystem);
        Assert.Equal(bytes.Length, map.Regions.Sum(r => r.Length));
    }

    [Fact]
    public void RegionsToTransfer_SkipGuestFree_ReadsOnlyUsedAndOther()
    {
        using var tmp = new TempDir();
        var (disk, _, _) = TestDisks.Gpt(tmp);
        using var image = DiskImage.Open(disk);
        var map = DiskRegionMap.Build(image);
        var ranges = map.RegionsToTransfer(TransferPolicy.SkipGuestFree).ToList();
        Assert.Equal(map.TransferBytes(TransferPolicy.SkipGuestFree), ranges.Sum(r => r.Length));
        for (var i = 1; i < ranges.Count; i++)
        {
            Assert.True(ranges[i - 1].End < ranges[i].Offset, "merged, sorted, with gaps between");
        }

        // Every used ext block of partition 1 is inside some transferred range.
        var part = map.Partitions[0];
        foreach (var used in part.FileSystem!.UsedRanges.Take(200))
        {
            var s = part.Partition.Offset + used.Offset;
            var allocatedHere = image.GetAllocationMap().Any(e => e.Kind == ExtentKind.Allocated && e.Offset <= s && s < e.End);
            Assert.True(!allocatedHere || ranges.Any(r => r.Offset <= s && s < r.End));
        }
    }

    private static void AssertCoversDisk(DiskRegionMap map, IVirtualDisk image)
    {
        Assert.Equal(image.Length, map.Regions.Sum(r => r.Length));
        long pos = 0;
        foreach (var r in map.Regions)
        {
            Assert.Equal(pos, r.Offset);
            Assert.True(r.Length > 0);
            pos = r.End;
        }

        for (var i = 1; i < map.Regions.Count; i++)
        {
            Assert.NotEqual(map.Regions[i - 1].Kind, map.Regions[i].Kind);
        }

        var containerAllocated = image.GetAllocationMap().Where(e => e.Kind == ExtentKind.Allocated).Sum(e => e.Length);
        Assert.Equal(containerAllocated, map.TransferBytes(TransferPolicy.Exact));
        Assert.Equal(containerAllocated, map.AllocatedBytes);
        Assert.Equal(map.TransferBytes(TransferPolicy.Exact) - map.BytesOf(RegionKind.GuestFree), map.TransferBytes(TransferPolicy.SkipGuestFree));
        Assert.Equal(image.Length, Enum.GetValues<RegionKind>().Sum(k => map.BytesOf(k)));
    }
}
