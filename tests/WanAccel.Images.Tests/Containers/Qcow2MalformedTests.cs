using System.Buffers.Binary;
using WanAccel.Images.Containers;
using WanAccel.Images.Tests.Support;
using Xunit.Abstractions;

namespace WanAccel.Images.Tests.Containers;

public sealed class Qcow2MalformedTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(20, 4, 30UL, ImageError.Corrupt)] // cluster_bits 30
    [InlineData(20, 4, 8UL, ImageError.Corrupt)] // cluster_bits 8
    [InlineData(24, 8, (65UL << 40), ImageError.LimitExceeded)] // virtual size 65 TiB
    [InlineData(36, 4, 0UL, ImageError.Corrupt)] // l1_size too small for the virtual size
    [InlineData(4, 4, 4UL, ImageError.Unsupported)] // version 4
    [InlineData(32, 4, 1UL, ImageError.Unsupported)] // AES encryption
    [InlineData(72, 8, 1UL << 2, ImageError.Unsupported)] // external data file
    [InlineData(72, 8, 1UL << 9, ImageError.Unsupported)] // unknown incompatible feature
    public void Open_BadHeaderField_ThrowsTypedError(int offset, int width, ulong value, ImageError expected)
    {
        using var dir = new TempDir();
        var image = Sample(dir);
        FilePatch.BigEndian(image, offset, width, value);

        var e = Assert.Throws<ImageFormatException>(() => Open(image));

        Assert.Equal(expected, e.Error);
    }

    [Fact]
    public void Open_L1LargerThanFile_ThrowsTruncated()
    {
        using var dir = new TempDir();
        var image = Sample(dir);
        FilePatch.BigEndian(image, 24, 8, 60UL << 40); // 60 TiB needs 122,880 L1 entries (960 KiB) ...
        FilePatch.BigEndian(image, 36, 4, 1UL << 20); // ... and the header claims a table of 1 Mi entries, in a file of a few hundred KiB

        Assert.Equal(ImageError.Truncated, Assert.Throws<ImageFormatException>(() => Open(image)).Error);
    }

    [Fact]
    public void Open_L1SharingAnL2Table_ThrowsCorrupt()
    {
        using var dir = new TempDir();
        var image = Sample(dir);
        FilePatch.BigEndian(image, 24, 8, 1UL << 30); // 1 GiB: two L1 entries
        var l1Offset = (int)FilePatch.ReadU64BigEndian(image, 40);
        FilePatch.BigEndian(image, 36, 4, 2);
        FilePatch.BigEndian(image, l1Offset + 8, 8, FilePatch.ReadU64BigEndian(image, l1Offset));

        Assert.Equal(ImageError.Corrupt, Assert.Throws<ImageFormatException>(() => Open(image)).Error);
    }

    [Fact]
    public void GetAllocationMap_L2BeyondEof_ThrowsTruncated()
    {
        using var dir = new TempDir();
        var image = Sample(dir);
        var l1Offset = (long)FilePatch.ReadU64BigEndian(image, 40);
        FilePatch.BigEndian(image, (int)l1Offset, 8, (1UL << 63) | (1UL << 40));

        using var disk = DiskImage.Open(image);
        var e = Assert.Throws<ImageFormatException>(() => disk.GetAllocationMap());

        Assert.Equal(ImageError.Truncated, e.Error);
        Assert.Equal(ImageError.Truncated, Assert.Throws<ImageFormatException>(() => disk.ReadAt(0, new byte[512])).Error);
    }

    [Fact]
    public void GetAllocationMap_DataClustersCutOff_ThrowsTruncated()
    {
        using var dir = new TempDir();
        var image = Sample(dir);
        using (var fs = new FileStream(image, FileMode.Open))
        {
            fs.SetLength(fs.Length - (256 * 1024));
        }

        using var disk = DiskImage.Open(image);

        Assert.Equal(ImageError.Truncated, Assert.Throws<ImageFormatException>(() => disk.GetAllocationMap()).Error);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    public void Open_TruncatedHeader_ThrowsTruncated(int length)
    {
        using var dir = new TempDir();
        var image = Sample(dir);
        using (var fs = new FileStream(image, FileMode.Open))
        {
            fs.SetLength(length);
        }

        Assert.Equal(ImageError.Truncated, Assert.Throws<ImageFormatException>(() => Open(image)).Error);
    }

    [Fact]
    public void Open_BackingFileCycle_ThrowsLoop()
    {
        using var dir = new TempDir();
        var a = dir.File("a.qcow2");
        var b = dir.File("b.qcow2");
        Tool.Run("qemu-img", "create", "-f", "qcow2", b, "1M");
        Tool.Run("qemu-img", "create", "-f", "qcow2", "-b", "b.qcow2", "-F", "qcow2", a, "1M");
        Tool.Run("qemu-img", "rebase", "-u", "-b", "a.qcow2", "-F", "qcow2", b);

        Assert.Equal(ImageError.Loop, Assert.Throws<ImageFormatException>(() => Open(a)).Error);
    }

    [Fact]
    public void Open_MissingBackingFile_ThrowsMissingFile()
    {
        using var dir = new TempDir();
        var top = dir.File("top.qcow2");
        Tool.Run("qemu-img", "create", "-f", "qcow2", "-b", "gone.qcow2", "-F", "qcow2", "-u", top, "1M");

        Assert.Equal(ImageError.MissingFile, Assert.Throws<ImageFormatException>(() => Open(top)).Error);
    }

    [Fact]
    public void Open_RawBackingThatLooksLikeQcow2_IsReadAsRaw()
    {
        using var dir = new TempDir();
        var backing = dir.File("base.raw");
        var content = new byte[1 << 20];
        BinaryPrimitives.WriteUInt32BigEndian(content, 0x514649fb); // guest data starting with the qcow2 magic
        File.WriteAllBytes(backing, content);
        var top = dir.File("top.qcow2");
        Tool.Run("qemu-img", "create", "-f", "qcow2", "-b", "base.raw", "-F", "raw", top, "1M");

        using var disk = DiskImage.Open(top);
        var head = new byte[4];
        disk.ReadAt(0, head);

        Assert.Equal(content[..4], head);
        Assert.Equal(ImageFormat.Raw, disk.GetAllocationMap().Count > 0 ? ImageFormat.Raw : ImageFormat.Qcow2);
        Assert.Throws<ImageFormatException>(() => Open(backing)); // probed on its own, it would be taken for qcow2
    }

    [Fact]
    public void Open_CompressedClusterGarbage_ThrowsCorrupt()
    {
        using var dir = new TempDir();
        var raw = dir.File("r.raw");
        File.WriteAllBytes(raw, [.. Enumerable.Range(0, 1 << 20).Select(i => (byte)(i % 7))]);
        var image = dir.File("c.qcow2");
        Tool.Run("qemu-img", "convert", "-c", "-O", "qcow2", raw, image);
        var map = QemuOracle.Map(image);
        using (var disk = DiskImage.Open(image))
        {
            Assert.Contains(disk.GetAllocationMap(), e => e.Kind == ExtentKind.Allocated && e.FileOffset == -1);
        }

        // Overwrite the compressed stream of the first cluster with garbage: qemu-img map shows no offset, so find it via the L2 table.
        Assert.NotEmpty(map);
        var l1Offset = (long)FilePatch.ReadU64BigEndian(image, 40);
        var l2Offset = (long)(FilePatch.ReadU64BigEndian(image, (int)l1Offset) & 0x00ff_ffff_ffff_fe00UL);
        var entry = FilePatch.ReadU64BigEndian(image, (int)l2Offset);
        var hostOffset = (long)(entry & ((1UL << 54) - 1)); // 64 KiB clusters: offset bits 0..53
        FilePatch.BigEndian(image, (int)hostOffset, 8, 0xFFFF_FFFF_FFFF_FFFF);

        using var broken = DiskImage.Open(image);

        Assert.Equal(ImageError.Corrupt, Assert.Throws<ImageFormatException>(() => broken.ReadAt(0, new byte[16])).Error);
    }

    [Theory]
    [InlineData("plain", "cluster_size=4096")]
    [InlineData("compressed", "cluster_size=4096")]
    [InlineData("v2", "compat=0.10,cluster_size=4096")]
    [InlineData("extended-l2", "extended_l2=on,cluster_size=16384")]
    [InlineData("backed", "cluster_size=4096")]
    public void Open_MutatedImages_OnlyTypedErrors(string kind, string options)
    {
        using var dir = new TempDir();
        var raw = dir.File("r.raw");
        SampleRaw.Scattered(raw, 1 << 20, seed: 5, blocks: 4);
        var image = dir.File("fuzz.bin");
        if (kind == "backed")
        {
            Tool.Run("qemu-img", "convert", "-O", "qcow2", "-o", options, raw, dir.File("base.qcow2"));
            Tool.Run("qemu-img", "create", "-f", "qcow2", "-o", options, "-b", "base.qcow2", "-F", "qcow2", image);
            Tool.Run("qemu-io", "-c", "write -P 7 64k 8k", "-c", "write -z 200k 8k", image);
        }
        else
        {
            Tool.Run("qemu-img", ["convert", .. kind == "compressed" ? new[] { "-c" } : [], "-O", "qcow2", "-o", options, raw, image]);
        }

        var stats = MutationFuzzer.Run(image, image, seed: kind.GetHashCode(StringComparison.Ordinal) & 0xffff);

        output.WriteLine($"qcow2 {kind}: {stats}");
        Assert.True(stats.Executions >= 200, stats.ToString());
    }

    internal static string Sample(TempDir dir)
    {
        var raw = dir.File("s.raw");
        SampleRaw.Scattered(raw, 4 << 20, seed: 3, blocks: 8);
        var image = dir.File("s.qcow2");
        Tool.Run("qemu-img", "convert", "-O", "qcow2", raw, image);
        return image;
    }

    private static void Open(string path) => DiskImage.Open(path).Dispose();
}
