using WanAccel.Images.Containers;
using WanAccel.Images.Tests.Support;

namespace WanAccel.Images.Tests.Containers;

public sealed class VmdkImageReaderTests
{
    private const long DiskSize = (32L << 20) + 7680;

    [Theory]
    [InlineData("monolithicSparse", "disk.bin")]
    [InlineData("streamOptimized", "disk.bin")]
    [InlineData("monolithicFlat", "disk.vmdk")]
    [InlineData("twoGbMaxExtentFlat", "disk.vmdk")]
    [InlineData("twoGbMaxExtentSparse", "disk.vmdk")]
    public void Open_QemuConverted_MatchesQemu(string subformat, string name)
    {
        using var dir = new TempDir();
        var raw = dir.File("disk.raw");
        SampleRaw.Scattered(raw, DiskSize);
        var image = dir.File(name);
        Tool.Run("qemu-img", "convert", "-O", "vmdk", "-o", $"subformat={subformat}", raw, image);

        using var disk = DiskImage.Open(image);

        Assert.Equal(ImageFormat.Vmdk, disk.Format);
        Assert.Equal(subformat, disk.Subformat);
        Assert.Equal([image], disk.Chain);
        QemuOracle.AssertMatchesQemu(disk, image, dir);
        var dataInFile = subformat is "monolithicSparse";
        Assert.Equal(dataInFile, disk.GetAllocationMap().Any(e => e.FileOffset >= 0));
    }

    [Theory]
    [InlineData("twoGbMaxExtentFlat")]
    [InlineData("twoGbMaxExtentSparse")]
    public void Open_MultipleExtents_MatchesQemu(string subformat)
    {
        using var dir = new TempDir();
        var raw = dir.File("big.raw");
        var size = (4L << 30) + (512L << 20);
        SampleRaw.Scattered(raw, size, seed: 99, blocks: 24);
        var image = dir.File("big.vmdk");
        Tool.Run("qemu-img", "convert", "-O", "vmdk", "-o", $"subformat={subformat}", raw, image);

        using var disk = DiskImage.Open(image);
        var map = disk.GetAllocationMap();

        Assert.Equal(3, Directory.GetFiles(dir.Path, "big-*.vmdk").Length);
        Assert.Equal(QemuOracle.VirtualSize(image), disk.Length);
        QemuOracle.AssertMapAgrees(map, QemuOracle.Map(image), disk.Length);
        // Content of every allocated range equals the source (the full 4.5 GiB stream is too slow to hash here).
        using var source = File.OpenRead(raw);
        foreach (var e in map.Where(e => e.Kind == ExtentKind.Allocated && e.Length <= (8 << 20)))
        {
            var ours = new byte[e.Length];
            var theirs = new byte[e.Length];
            Assert.Equal(ours.Length, disk.ReadAt(e.Offset, ours));
            source.Position = e.Offset;
            source.ReadExactly(theirs);
            Assert.Equal(theirs, ours);
        }
    }

    [Fact]
    public void Open_ZeroedGrains_ReportsZero()
    {
        using var dir = new TempDir();
        var image = dir.File("z.bin");
        Tool.Run("qemu-img", "create", "-f", "vmdk", "-o", "zeroed_grain=on", image, "8M");
        Tool.Run("qemu-io", "-c", "write -P 0x61 0 256k", "-c", "write -z 64k 128k", "-c", "write -z 4M 64k", image);

        using var disk = DiskImage.Open(image);

        QemuOracle.AssertMatchesQemu(disk, image, dir);
        Assert.Contains(disk.GetAllocationMap(), e => e.Kind == ExtentKind.Zero && e.Offset == 64 * 1024 && e.Length == 128 * 1024);
    }

    [Fact]
    public void Open_DeltaLink_ReadsThroughParentAndMatchesQemu()
    {
        using var dir = new TempDir();
        var raw = dir.File("base.raw");
        SampleRaw.Scattered(raw, 8 << 20, seed: 21, blocks: 12);
        var baseImage = dir.File("base.vmdk");
        Tool.Run("qemu-img", "convert", "-O", "vmdk", raw, baseImage);
        var child = dir.File("child.bin");
        Tool.Run("qemu-img", "create", "-f", "vmdk", "-o", "zeroed_grain=on", "-b", "base.vmdk", "-F", "vmdk", child);
        Tool.Run("qemu-io", "-c", "write -P 2 512k 64k", "-c", "write -z 1M 192k", "-c", "write -P 3 7M 4k", child);

        using var disk = DiskImage.Open(child);

        Assert.Equal([child, baseImage], disk.Chain);
        QemuOracle.AssertMatchesQemu(disk, child, dir);
        Assert.Contains(disk.GetAllocationMap(), e => e.Kind == ExtentKind.Allocated && e.Layer == 1);
    }

    [Fact]
    public void Open_MissingExtentFile_ThrowsMissingFile()
    {
        using var dir = new TempDir();
        var image = dir.File("flat.vmdk");
        Tool.Run("qemu-img", "create", "-f", "vmdk", "-o", "subformat=monolithicFlat", image, "1M");
        File.Delete(dir.File("flat-flat.vmdk"));

        var e = Assert.Throws<ImageFormatException>(() => DiskImage.Open(image));

        Assert.Equal(ImageError.MissingFile, e.Error);
    }

    [Fact]
    public void Open_HandWrittenDescriptorWithZeroExtentAndOffset_ReadsExtentsInOrder()
    {
        using var dir = new TempDir();
        var data = new byte[3 * 512];
        data.AsSpan(0, 512).Fill(0xAA);
        data.AsSpan(512, 1024).Fill(0xBB);
        File.WriteAllBytes(dir.File("data.bin"), data);
        var descriptor = dir.File("hand.vmdk");
        File.WriteAllText(descriptor, "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType=\"custom\"\n" +
            "RW 2 FLAT \"data.bin\" 1\nRW 4 ZERO\nRDONLY 1 FLAT \"data.bin\"\n");

        using var disk = DiskImage.Open(descriptor);

        Assert.Equal("custom", disk.Subformat);
        Assert.Equal(7 * 512, disk.Length);
        var all = new byte[disk.Length];
        disk.ReadAt(0, all);
        Assert.All(all[..1024], b => Assert.Equal(0xBB, b));
        Assert.All(all[1024..3072], b => Assert.Equal(0, b));
        Assert.All(all[3072..], b => Assert.Equal(0xAA, b));
        Assert.Contains(disk.GetAllocationMap(), e => e.Kind == ExtentKind.Unallocated && e.Offset == 1024 && e.Length == 2048);
    }
}
