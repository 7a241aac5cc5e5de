using WanAccel.Images.Containers;
using WanAccel.Images.Containers.Qcow2;
using System.Diagnostics;
using WanAccel.Images.Tests.Support;
using Xunit.Abstractions;

namespace WanAccel.Images.Tests.Containers;

public sealed class Qcow2ImageReaderTests(ITestOutputHelper output)
{
    private const long DiskSize = (32L << 20) + 7680;

    [Theory]
    [InlineData("v3", "-O", "qcow2")]
    [InlineData("v3", "-c", "-O", "qcow2")]
    [InlineData("v2", "-O", "qcow2", "-o", "compat=0.10")]
    [InlineData("v2", "-c", "-O", "qcow2", "-o", "compat=0.10")]
    [InlineData("v3", "-O", "qcow2", "-o", "extended_l2=on")]
    [InlineData("v3", "-c", "-O", "qcow2", "-o", "extended_l2=on,cluster_size=131072")]
    [InlineData("v3", "-c", "-O", "qcow2", "-o", "compression_type=zstd")]
    [InlineData("v3", "-O", "qcow2", "-o", "cluster_size=4096")]
    [InlineData("v3", "-c", "-O", "qcow2", "-o", "cluster_size=2097152")]
    public void Open_QemuConverted_MatchesQemu(string subformat, params string[] convert)
    {
        using var dir = new TempDir();
        var raw = dir.File("disk.raw");
        SampleRaw.Scattered(raw, DiskSize);
        var image = dir.File("disk.bin");
        Tool.Run("qemu-img", ["convert", .. convert, raw, image]);

        using var disk = DiskImage.Open(image);

        Assert.Equal(ImageFormat.Qcow2, disk.Format);
        Assert.Equal(subformat, disk.Subformat);
        Assert.Equal([image], disk.Chain);
        Assert.Equal(new FileInfo(image).Length, disk.FileSize);
        QemuOracle.AssertMatchesQemu(disk, image, dir);
    }

    [Theory]
    [InlineData("")]
    [InlineData("extended_l2=on")]
    [InlineData("compat=0.10")]
    public void Open_BackingChainWithZeroClusters_MatchesQemu(string options)
    {
        using var dir = new TempDir();
        var raw = dir.File("base.raw");
        SampleRaw.Scattered(raw, DiskSize, seed: 7);
        var baseImage = dir.File("base.bin");
        Tool.Run("qemu-img", "convert", "-O", "qcow2", raw, baseImage);
        var top = dir.File("top.bin");
        var create = new List<string> { "create", "-f", "qcow2", "-b", "base.bin", "-F", "qcow2" };
        if (options.Length > 0)
        {
            create.AddRange(["-o", options]);
        }

        create.AddRange([top, DiskSize.ToString()]);
        Tool.Run("qemu-img", [.. create]);
        Tool.Run("qemu-io", "-c", "write -P 0x5a 1M 64k", "-c", "write -P 0x33 3000k 10k", "-c", "write -z 8M 1M",
            "-c", "write -z 20M 64k", "-c", "write -P 0x11 31M 4k", top);

        using var disk = DiskImage.Open(top);

        Assert.Equal(options.Contains("compat") ? "v2" : "v3", disk.Subformat);
        Assert.Equal([top, baseImage], disk.Chain);
        QemuOracle.AssertMatchesQemu(disk, top, dir);
        Assert.Contains(disk.GetAllocationMap(), e => e.Layer == 1 && e.Kind == ExtentKind.Allocated);
    }

    [Fact]
    public void Open_ZeroAllocatedClusters_ReportsZero()
    {
        using var dir = new TempDir();
        var image = dir.File("z.bin");
        Tool.Run("qemu-img", "create", "-f", "qcow2", image, "4M");
        // Written then zeroed without unmap: qemu keeps the host cluster ("zero + allocated").
        Tool.Run("qemu-io", "-c", "write -P 0x77 0 256k", "-c", "write -z 64k 128k", "-c", "write -z -u 1M 64k", image);

        using var disk = DiskImage.Open(image);

        QemuOracle.AssertMatchesQemu(disk, image, dir);
        Assert.Contains(disk.GetAllocationMap(), e => e.Kind == ExtentKind.Zero && e.Offset == 64 * 1024);
    }

    [Fact]
    public void GetAllocationMap_Sparse100GiB_MatchesQemu()
    {
        using var dir = new TempDir();
        var image = dir.File("big.bin");
        Tool.Run("qemu-img", "create", "-f", "qcow2", image, "100G");
        Tool.Run("qemu-io", "-c", "write -P 1 0 64k", "-c", "write -P 2 50G 128k", "-c", "write -z 70G 1M",
            "-c", "write -P 3 107374116864 64k", image);

        var clock = Stopwatch.StartNew();
        using var disk = DiskImage.Open(image);
        var map = disk.GetAllocationMap();
        output.WriteLine($"open + map of a 100 GiB sparse qcow2: {clock.Elapsed.TotalMilliseconds:F1} ms, {map.Count} extents (informational, not asserted)");

        QemuOracle.AssertMapAgrees(map, QemuOracle.Map(image), disk.Length);
        Assert.Equal(100L << 30, disk.Length);
        Assert.Equal(3, map.Count(e => e.Kind == ExtentKind.Allocated));
        var buffer = new byte[4];
        disk.ReadAt(50L << 30, buffer);
        Assert.Equal(new byte[] { 2, 2, 2, 2 }, buffer);
    }

    [Fact]
    public void Open_CorruptBitSet_ReadsAndWarns()
    {
        using var dir = new TempDir();
        var image = dir.File("c.bin");
        Tool.Run("qemu-img", "create", "-f", "qcow2", image, "1M");
        Tool.Run("qemu-io", "-c", "write -P 0x42 0 4k", image);
        using (var fs = File.OpenWrite(image))
        {
            fs.Position = 79; // low byte of incompatible_features
            fs.WriteByte(0x2);
        }

        using var disk = DiskImage.Open(image);

        var qcow = Assert.IsType<Qcow2Disk>(disk);
        Assert.Contains(qcow.Warnings, w => w.Contains("corrupt"));
        var b = new byte[1];
        disk.ReadAt(100, b);
        Assert.Equal(0x42, b[0]);
    }
}
