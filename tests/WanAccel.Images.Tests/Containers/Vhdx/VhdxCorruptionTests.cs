using WanAccel.Images.Containers;
using WanAccel.Images.Tests.Support;
using static WanAccel.Images.Tests.Support.QemuOracle;

namespace WanAccel.Images.Tests.Containers.Vhdx;

/// <summary>Targeted damage to a qemu-made VHDX: each must give a typed error, never another exception.</summary>
public sealed class VhdxCorruptionTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.95)]
    public void Open_TruncatedVhdx_ThrowsTypedError(double keep)
    {
        using var dir = new TempDir();
        var (path, bytes) = Create(dir);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);

        var ex = Assert.Throws<ImageFormatException>(() => DiskImage.Open(path));
        Assert.Contains(ex.Error, new[] { ImageError.Truncated, ImageError.Corrupt });
    }

    [Fact]
    public void Open_BatEntryBeyondEndOfFile_ThrowsCorrupt()
    {
        using var dir = new TempDir();
        var (path, bytes) = Create(dir);
        var file = new VhdxTestFile(bytes);
        file.SetBat(1, (1UL << 40) | 6);
        File.WriteAllBytes(path, file.Bytes);

        var ex = Assert.Throws<ImageFormatException>(() => DiskImage.Open(path));
        Assert.Equal(ImageError.Corrupt, ex.Error);
    }

    [Fact]
    public void Open_TwoBlocksAtSameOffset_ThrowsCorrupt()
    {
        using var dir = new TempDir();
        var (path, bytes) = Create(dir);
        var file = new VhdxTestFile(bytes);
        var present = Enumerable.Range(0, 16).First(i => (file.Bat(i) & 7) == 6);
        file.SetBat(present == 0 ? 1 : 0, file.Bat(present));
        File.WriteAllBytes(path, file.Bytes);

        var ex = Assert.Throws<ImageFormatException>(() => DiskImage.Open(path));
        Assert.Equal(ImageError.Corrupt, ex.Error);
    }

    [Fact]
    public void Open_BothHeaderChecksumsBroken_ThrowsCorrupt()
    {
        using var dir = new TempDir();
        var (path, bytes) = Create(dir);
        bytes[(64 * 1024) + 100] ^= 1;
        bytes[(128 * 1024) + 100] ^= 1;
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<ImageFormatException>(() => DiskImage.Open(path));
        Assert.Equal(ImageError.Corrupt, ex.Error);
    }

    [Fact]
    public void Open_OneHeaderChecksumBroken_UsesTheOther()
    {
        using var dir = new TempDir();
        var (path, bytes) = Create(dir);
        var current = new VhdxTestFile(bytes).HeaderOffset;
        bytes[current + 100] ^= 1;
        File.WriteAllBytes(path, bytes);

        using var disk = DiskImage.Open(path);
        Assert.Equal(16L << 20, disk.Length);
    }

    private static (string Path, byte[] Bytes) Create(TempDir dir)
    {
        var raw = dir.File("src.raw");
        SampleRaw.Patterned(raw, 16L << 20, seed: 5, blocks: 8);
        var path = dir.File("image.vhdx");
        Tool.Run("qemu-img", "convert", "-f", "raw", "-O", "vhdx", "-o", "block_size=1M", raw, path);
        return (path, File.ReadAllBytes(path));
    }
}
