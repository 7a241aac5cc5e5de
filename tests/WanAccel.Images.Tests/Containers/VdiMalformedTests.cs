using System.Buffers.Binary;
using WanAccel.Images.Containers;
using WanAccel.Images.Tests.Support;
using Xunit.Abstractions;

namespace WanAccel.Images.Tests.Containers;

public sealed class VdiMalformedTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0x44, 4, 0x00010000UL, ImageError.Unsupported)] // version 1.0
    [InlineData(0x4c, 4, 4UL, ImageError.Unsupported)] // differencing image
    [InlineData(0x170, 8, 65UL << 40, ImageError.LimitExceeded)] // disk size 65 TiB
    [InlineData(0x170, 8, 1UL << 40, ImageError.Corrupt)] // disk larger than its blocks
    [InlineData(0x178, 4, 1000UL, ImageError.Corrupt)] // block size not a power of two
    [InlineData(0x180, 4, 0x0100_0000UL, ImageError.Truncated)] // block map larger than the file
    [InlineData(0x180, 4, 0x8000_0000UL, ImageError.LimitExceeded)] // 2 Gi blocks
    [InlineData(0x154, 4, 0x0100_0000UL, ImageError.Truncated)] // block map beyond EOF
    public void Open_BadHeaderField_ThrowsTypedError(int offset, int width, ulong value, ImageError expected)
    {
        using var dir = new TempDir();
        var image = Sample(dir);
        FilePatch.LittleEndian(image, offset, width, value);

        Assert.Equal(expected, Assert.Throws<ImageFormatException>(() => DiskImage.Open(image).Dispose()).Error);
    }

    [Fact]
    public void GetAllocationMap_BlockBeyondEof_ThrowsTruncated()
    {
        using var dir = new TempDir();
        var image = Sample(dir);
        FilePatch.LittleEndian(image, 512, 4, 0x0000_1000); // block 0 -> index 4096, far past the data

        using var disk = DiskImage.Open(image);

        Assert.Equal(ImageError.Truncated, Assert.Throws<ImageFormatException>(() => disk.GetAllocationMap()).Error);
        Assert.Equal(ImageError.Truncated, Assert.Throws<ImageFormatException>(() => disk.ReadAt(0, new byte[1])).Error);
    }

    [Fact]
    public void Open_MutatedDynamic_OnlyTypedErrors()
    {
        using var dir = new TempDir();
        var raw = dir.File("r.raw");
        SampleRaw.Scattered(raw, 4 << 20, seed: 13, blocks: 4);
        var image = dir.File("fuzz.bin");
        Tool.Run("qemu-img", "convert", "-O", "vdi", raw, image);

        var stats = MutationFuzzer.Run(image, image, seed: 4242);

        output.WriteLine($"vdi dynamic: {stats}");
        Assert.True(stats.Executions >= 200, stats.ToString());
    }

    private static string Sample(TempDir dir)
    {
        var raw = dir.File("s.raw");
        SampleRaw.Scattered(raw, 4 << 20, seed: 3, blocks: 8);
        var image = dir.File("s.bin");
        Tool.Run("qemu-img", "convert", "-O", "vdi", raw, image);
        return image;
    }
}
