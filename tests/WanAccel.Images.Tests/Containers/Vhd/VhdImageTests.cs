using WanAccel.Images.Containers;
using WanAccel.Images.Tests.Support;
using static WanAccel.Images.Tests.Support.QemuOracle;

namespace WanAccel.Images.Tests.Containers.Vhd;

/// <summary>VHD images made by qemu-img, checked against qemu-img's own reading (convert -O raw, map, info).</summary>
public sealed class VhdImageTests
{
    [Theory]
    [InlineData("dynamic", 8L << 20)]
    [InlineData("dynamic", (64L << 20) + 3 * 512)]
    [InlineData("fixed", 8L << 20)]
    [InlineData("fixed", 40L << 20)]
    public void Open_QemuVhd_ContentSizeAndMapMatchQemu(string subformat, long size)
    {
        using var dir = new TempDir();
        var raw = dir.File("src.raw");
        SampleRaw.Patterned(raw, size, seed: (int)(size % 1000));
        var vhd = dir.File("image.bin");
        Tool.Run("qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o", $"subformat={subformat}", raw, vhd);

        using var disk = DiskImage.Open(vhd);

        Assert.Equal(ImageFormat.Vhd, disk.Format);
        Assert.Equal(subformat, disk.Subformat);
        Assert.Equal(VirtualSize(vhd, "vpc"), disk.Length);
        Assert.Equal(new FileInfo(vhd).Length, disk.FileSize);
        Assert.Equal([vhd], disk.Chain);
        Assert.Equal(Sha256(ToRaw(dir, vhd, "vpc")), Sha256(disk));
        var map = disk.GetAllocationMap();
        AssertWellFormed(map, disk.Length);
        AssertMapPointsAtData(disk, map);
        if (subformat == "fixed")
        {
            // qemu's vpc driver calls all of a fixed VHD data; we report the holes of the sparse container like a
            // raw file, so the oracle is qemu's map of the same file as raw (SEEK_HOLE), clipped before the footer.
            Assert.Equal(Clip(DataRuns(vhd, "raw"), disk.Length), DataRuns(map));
        }
        else
        {
            Assert.Equal(DataRuns(vhd, "vpc"), DataRuns(map));
        }
    }

    private static List<(long Offset, long Length, bool Data)> Clip(List<(long Offset, long Length, bool Data)> runs, long length)
    {
        var clipped = new List<(long Offset, long Length, bool Data)>();
        foreach (var r in runs)
        {
            if (r.Offset < length)
            {
                clipped.Add((r.Offset, Math.Min(r.Length, length - r.Offset), r.Data));
            }
        }

        return clipped;
    }

    [Fact]
    public void GetAllocationMap_EmptyDynamicVhd_AllUnallocatedAndReadsZeros()
    {
        using var dir = new TempDir();
        var vhd = dir.File("empty.bin");
        Tool.Run("qemu-img", "create", "-f", "vpc", "-o", "subformat=dynamic", vhd, "100G");

        using var disk = DiskImage.Open(vhd);

        Assert.Equal(VirtualSize(vhd, "vpc"), disk.Length);
        var map = disk.GetAllocationMap();
        Assert.Equal([new DiskExtent(0, disk.Length, ExtentKind.Unallocated)], map);
        var buffer = new byte[4096];
        buffer.AsSpan().Fill(0xAA);
        Assert.Equal(buffer.Length, disk.ReadAt(disk.Length - 4096, buffer));
        Assert.True(buffer.AsSpan().IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void ReadAt_UnalignedRangesAcrossBlocks_MatchQemuRaw()
    {
        using var dir = new TempDir();
        var raw = dir.File("src.raw");
        SampleRaw.Patterned(raw, 16L << 20, seed: 7, blocks: 40);
        var vhd = dir.File("image.vhd");
        Tool.Run("qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o", "subformat=dynamic", raw, vhd);
        var expected = File.ReadAllBytes(ToRaw(dir, vhd, "vpc"));

        using var disk = DiskImage.Open(vhd);
        var rng = new Random(3);
        for (var i = 0; i < 200; i++)
        {
            var offset = rng.NextInt64(0, disk.Length);
            var buffer = new byte[rng.Next(1, 5 << 20)];
            var n = disk.ReadAt(offset, buffer);
            Assert.Equal((int)Math.Min(buffer.Length, disk.Length - offset), n);
            Assert.True(expected.AsSpan((int)offset, n).SequenceEqual(buffer.AsSpan(0, n)), $"mismatch at {offset} (+{n})");
        }
    }
}
