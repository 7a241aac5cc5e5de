using WanAccel.Images.Containers;
using WanAccel.Images.Tests.Support;

namespace WanAccel.Images.Tests.Containers;

public sealed class VdiImageReaderTests
{
    private const long DiskSize = (32L << 20) + 7680;

    [Theory]
    [InlineData("dynamic", "static=off")]
    [InlineData("fixed", "static=on")]
    public void Open_QemuConverted_MatchesQemu(string subformat, string options)
    {
        using var dir = new TempDir();
        var raw = dir.File("disk.raw");
        SampleRaw.Scattered(raw, DiskSize);
        var image = dir.File("disk.bin");
        Tool.Run("qemu-img", "convert", "-O", "vdi", "-o", options, raw, image);

        using var disk = DiskImage.Open(image);

        Assert.Equal(ImageFormat.Vdi, disk.Format);
        Assert.Equal(subformat, disk.Subformat);
        Assert.Equal([image], disk.Chain);
        QemuOracle.AssertMatchesQemu(disk, image, dir, holesAsZero: true);
        var map = disk.GetAllocationMap();
        Assert.Equal(subformat == "fixed", map.All(e => e.Kind == ExtentKind.Allocated));
        Assert.All(map.Where(e => e.Kind == ExtentKind.Allocated), e => Assert.True(e.FileOffset > 0));
    }

    [Fact]
    public void Open_ZeroBlockEntry_ReadsZerosAndMapsZero()
    {
        using var dir = new TempDir();
        var image = dir.File("z.bin");
        Tool.Run("qemu-img", "create", "-f", "vdi", image, "4M");
        Tool.Run("qemu-io", "-c", "write -P 0x99 0 2M", image);
        using (var fs = new FileStream(image, FileMode.Open, FileAccess.ReadWrite))
        {
            // Block 1 of the map (at offset_bmap = 512) becomes 0xFFFFFFFE: "discarded", reads as zeros.
            fs.Position = 512 + 4;
            fs.Write([0xFE, 0xFF, 0xFF, 0xFF]);
        }

        using var disk = DiskImage.Open(image);
        var buffer = new byte[2];
        disk.ReadAt((1 << 20) - 1, buffer);

        Assert.Equal(new byte[] { 0x99, 0 }, buffer);
        Assert.Equal(new DiskExtent(1 << 20, 1 << 20, ExtentKind.Zero), disk.GetAllocationMap()[1]);
    }
}
