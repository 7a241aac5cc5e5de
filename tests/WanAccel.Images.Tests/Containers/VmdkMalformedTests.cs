using System.Buffers.Binary;
using System.Text;
using WanAccel.Images.Containers;
using WanAccel.Images.Tests.Support;
using Xunit.Abstractions;

namespace WanAccel.Images.Tests.Containers;

public sealed class VmdkMalformedTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(4, 4, 7UL, ImageError.Unsupported)] // version 7
    [InlineData(12, 8, (65UL << 40) / 512, ImageError.LimitExceeded)] // capacity 65 TiB
    [InlineData(20, 8, 0UL, ImageError.Corrupt)] // grain size 0
    [InlineData(20, 8, 1UL << 20, ImageError.LimitExceeded)] // grain of 512 MiB
    [InlineData(44, 4, 0UL, ImageError.Corrupt)] // no entries per grain table
    [InlineData(56, 8, 1UL << 30, ImageError.Truncated)] // grain directory beyond EOF
    [InlineData(12, 8, (60UL << 40) / 512, ImageError.Truncated)] // 60 TiB: grain directory larger than the file
    public void Open_BadSparseHeaderField_ThrowsTypedError(int offset, int width, ulong value, ImageError expected)
    {
        using var dir = new TempDir();
        var image = SparseSample(dir);
        FilePatch.LittleEndian(image, offset, width, value);

        Assert.Equal(expected, Assert.Throws<ImageFormatException>(() => DiskImage.Open(image).Dispose()).Error);
    }

    [Fact]
    public void GetAllocationMap_GrainTableBeyondEof_ThrowsTruncated()
    {
        using var dir = new TempDir();
        var image = SparseSample(dir);
        var gd = (long)FilePatch.ReadU64LittleEndian(image, 56) * 512;
        FilePatch.LittleEndian(image, (int)gd, 4, 0x00ff_ffff);

        using var disk = DiskImage.Open(image);

        Assert.Equal(ImageError.Truncated, Assert.Throws<ImageFormatException>(() => disk.GetAllocationMap()).Error);
    }

    [Fact]
    public void Open_TruncatedSparse_ThrowsTruncated()
    {
        using var dir = new TempDir();
        var image = SparseSample(dir);
        using (var fs = new FileStream(image, FileMode.Open))
        {
            fs.SetLength(300);
        }

        Assert.Equal(ImageError.Truncated, Assert.Throws<ImageFormatException>(() => DiskImage.Open(image).Dispose()).Error);
    }

    [Fact]
    public void Open_DescriptorOver64KiB_ThrowsLimitExceeded()
    {
        using var dir = new TempDir();
        var path = dir.File("big.vmdk");
        File.WriteAllText(path, "# Disk DescriptorFile\n" + new string('#', 70 * 1024) + "\n");

        Assert.Equal(ImageError.LimitExceeded, Assert.Throws<ImageFormatException>(() => DiskImage.Open(path).Dispose()).Error);
    }

    [Fact]
    public void Open_TooManyExtents_ThrowsLimitExceeded()
    {
        using var dir = new TempDir();
        var path = dir.File("many.vmdk");
        var text = new StringBuilder("# Disk DescriptorFile\ncreateType=\"custom\"\n");
        for (var i = 0; i < 5000; i++)
        {
            text.Append("RW 1 ZERO\n");
        }

        File.WriteAllText(path, text.ToString());

        Assert.Equal(ImageError.LimitExceeded, Assert.Throws<ImageFormatException>(() => DiskImage.Open(path).Dispose()).Error);
    }

    [Theory]
    [InlineData("RW 2048 FLAT \"data.bin\" 0", ImageError.Truncated)] // flat extent longer than its file
    [InlineData("RW 8 FLAT \"data.bin", ImageError.Corrupt)] // unterminated quote
    [InlineData("RW lots FLAT \"data.bin\" 0", ImageError.Corrupt)]
    [InlineData("RW 8 VMFSSPARSE \"data.bin\"", ImageError.Unsupported)]
    [InlineData("RW 8 SPARSE \"data.bin\"", ImageError.Corrupt)] // not a KDMV file
    [InlineData("RW 8 FLAT \"nowhere.bin\" 0", ImageError.MissingFile)]
    [InlineData("RW 99999999999999999 ZERO", ImageError.LimitExceeded)]
    public void Open_BadExtentLine_ThrowsTypedError(string extent, ImageError expected)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("data.bin"), new byte[8 * 512]);
        var path = dir.File("d.vmdk");
        File.WriteAllText(path, $"# Disk DescriptorFile\nversion=1\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n{extent}\n");

        Assert.Equal(expected, Assert.Throws<ImageFormatException>(() => DiskImage.Open(path).Dispose()).Error);
    }

    [Fact]
    public void Open_DeltaWithMissingParent_ThrowsMissingFile()
    {
        using var dir = new TempDir();
        Tool.Run("qemu-img", "create", "-f", "vmdk", dir.File("base.vmdk"), "1M");
        var child = dir.File("child.vmdk");
        Tool.Run("qemu-img", "create", "-f", "vmdk", "-b", "base.vmdk", "-F", "vmdk", child);
        File.Delete(dir.File("base.vmdk"));

        Assert.Equal(ImageError.MissingFile, Assert.Throws<ImageFormatException>(() => DiskImage.Open(child).Dispose()).Error);
    }

    [Fact]
    public void Open_DeltaDescriptorNamingItself_ThrowsLoop()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("data.bin"), new byte[4096]);
        var path = dir.File("self.vmdk");
        File.WriteAllText(path, "# Disk DescriptorFile\nparentCID=12345678\nparentFileNameHint=\"self.vmdk\"\nRW 8 FLAT \"data.bin\" 0\n");

        Assert.Equal(ImageError.Loop, Assert.Throws<ImageFormatException>(() => DiskImage.Open(path).Dispose()).Error);
    }

    [Theory]
    [InlineData("monolithicSparse")]
    [InlineData("streamOptimized")]
    public void Open_MutatedSparse_OnlyTypedErrors(string subformat)
    {
        using var dir = new TempDir();
        var raw = dir.File("r.raw");
        SampleRaw.Scattered(raw, 1 << 20, seed: 11, blocks: 4);
        var image = dir.File("fuzz.bin");
        Tool.Run("qemu-img", "convert", "-O", "vmdk", "-o", $"subformat={subformat}", raw, image);

        var stats = MutationFuzzer.Run(image, image, seed: subformat.Length);

        output.WriteLine($"vmdk {subformat}: {stats}");
        Assert.True(stats.Executions >= 200, stats.ToString());
    }

    [Fact]
    public void Open_MutatedDescriptor_OnlyTypedErrors()
    {
        using var dir = new TempDir();
        var raw = dir.File("r.raw");
        SampleRaw.Scattered(raw, 1 << 20, seed: 12, blocks: 4);
        var image = dir.File("fuzz.vmdk");
        Tool.Run("qemu-img", "convert", "-O", "vmdk", "-o", "subformat=monolithicFlat", raw, image);

        var stats = MutationFuzzer.Run(image, image, seed: 77, text: true);

        output.WriteLine($"vmdk descriptor: {stats}");
        Assert.True(stats.Executions >= 200, stats.ToString());
    }

    private static string SparseSample(TempDir dir)
    {
        var raw = dir.File("s.raw");
        SampleRaw.Scattered(raw, 4 << 20, seed: 3, blocks: 8);
        var image = dir.File("s.bin");
        Tool.Run("qemu-img", "convert", "-O", "vmdk", raw, image);
        return image;
    }
}
