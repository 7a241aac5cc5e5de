using WanAccel.Images.Containers;
using WanAccel.Images.Tests.Support;

namespace WanAccel.Images.Tests.Containers;

/// <summary>Files named inside an image (backing files, parents, VMDK extents) must be regular files before they are opened.</summary>
public sealed class ImageOpenContextTests
{
    /// <summary>Long enough for any open on an idle machine; a regression (open(2) on the FIFO) would otherwise hang the run.</summary>
    private static readonly TimeSpan s_openTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("qcow2")]
    [InlineData("raw")]
    public void Open_Qcow2BackingFileIsFifo_ThrowsUnsupported(string backingFormat)
    {
        using var dir = new TempDir();
        var top = dir.File("top.qcow2");
        Tool.Run("qemu-img", "create", "-f", "qcow2", "-b", "fifo", "-F", backingFormat, "-u", top, "1M");
        Tool.Run("mkfifo", dir.File("fifo"));

        Assert.Equal(ImageError.Unsupported, OpenWithin(top, dir.File("fifo")).Error);
    }

    [Fact]
    public void Open_VmdkDeltaParentIsFifo_ThrowsUnsupported()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("data.bin"), new byte[4096]);
        var child = dir.File("child.vmdk");
        File.WriteAllText(child, "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=12345678\ncreateType=\"custom\"\n" +
            "parentFileNameHint=\"fifo\"\nRW 8 FLAT \"data.bin\" 0\n");
        Tool.Run("mkfifo", dir.File("fifo"));

        Assert.Equal(ImageError.Unsupported, OpenWithin(child, dir.File("fifo")).Error);
    }

    [Theory]
    [InlineData("fifo", ImageError.Unsupported)]
    [InlineData("/dev/zero", ImageError.Unsupported)]
    [InlineData("subdir", ImageError.MissingFile)]
    public void Open_VmdkExtentNotRegularFile_ThrowsTypedError(string extent, ImageError expected)
    {
        using var dir = new TempDir();
        Tool.Run("mkfifo", dir.File("fifo"));
        Directory.CreateDirectory(dir.File("subdir"));
        var descriptor = dir.File("hand.vmdk");
        File.WriteAllText(descriptor, "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType=\"custom\"\n" +
            $"RW 8 FLAT \"{extent}\" 0\n");

        Assert.Equal(expected, OpenWithin(descriptor, dir.File("fifo")).Error);
    }

    /// <summary>Opens <paramref name="image"/> expecting a typed error; if the open blocks on <paramref name="fifo"/>, unblocks it and fails.</summary>
    private static ImageFormatException OpenWithin(string image, string fifo)
    {
        var open = Task.Run(() => Assert.Throws<ImageFormatException>(() => DiskImage.Open(image).Dispose()));
        if (!open.Wait(s_openTimeout))
        {
            // Release the reader stuck in open(2) by connecting a writer, then report the hang.
            using (new FileStream(fifo, FileMode.Open, FileAccess.Write))
            {
            }

            Assert.Fail($"opening {image} blocked on the FIFO {fifo}");
        }

        return open.Result;
    }
}
