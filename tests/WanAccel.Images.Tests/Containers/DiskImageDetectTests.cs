using System.Diagnostics;
using WanAccel.Images.Containers;
using WanAccel.Images.Tests.Support;

namespace WanAccel.Images.Tests.Containers;

/// <summary>Format detection from a file's first bytes only (files seen on the wire): qemu-img makes every format.</summary>
public sealed class DiskImageDetectTests
{
    [Theory]
    [InlineData("qcow2", "", ImageFormat.Qcow2)]
    [InlineData("vmdk", "subformat=monolithicSparse", ImageFormat.Vmdk)]
    [InlineData("vmdk", "subformat=streamOptimized", ImageFormat.Vmdk)]
    [InlineData("vmdk", "subformat=monolithicFlat", ImageFormat.Vmdk)]
    [InlineData("vdi", "", ImageFormat.Vdi)]
    [InlineData("vhdx", "", ImageFormat.Vhdx)]
    [InlineData("vpc", "subformat=dynamic", ImageFormat.Vhd)]
    [InlineData("raw", "", ImageFormat.Raw)]
    public void Detect_QemuImages_FromFirstBytes(string format, string options, ImageFormat expected)
    {
        using var tmp = new TempDir();
        var ext4 = Path.Combine(tmp.Path, "fs.img");
        GuestImages.MakeExt(ext4, GuestImages.SampleTree(tmp), "8M");
        var image = Path.Combine(tmp.Path, "disk." + format);
        var args = options.Length == 0 ? $"convert -f raw -O {format} {ext4} {image}" : $"convert -f raw -O {format} -o {options} {ext4} {image}";
        using (var qemu = Process.Start("qemu-img", args)!)
        {
            qemu.WaitForExit();
            Assert.Equal(0, qemu.ExitCode);
        }

        var bytes = File.ReadAllBytes(image);
        var head = bytes.AsSpan(0, Math.Min(bytes.Length, DiskImage.DetectLength));

        Assert.Equal(expected, DiskImage.Detect(head));
    }

    [Fact]
    public void Detect_NtfsVolume_IsRaw()
    {
        using var tmp = new TempDir();
        var image = Path.Combine(tmp.Path, "ntfs.img");
        GuestImages.MakeNtfs(image, 16 << 20, 4096);

        Assert.Equal(ImageFormat.Raw, DiskImage.Detect(File.ReadAllBytes(image).AsSpan(0, 4096)));
    }

    [Fact]
    public void Detect_OrdinaryFilesAndShortOrHostileHeads_AreNotImages()
    {
        Assert.Null(DiskImage.Detect("hello, world\n"u8));
        Assert.Null(DiskImage.Detect([]));
        Assert.Null(DiskImage.Detect(new byte[4096]));
        Assert.Null(DiskImage.Detect(File.ReadAllBytes("/bin/sh").AsSpan(0, 4096)));
        var random = new Random(3);
        var bytes = new byte[4096];
        for (var i = 0; i < 2000; i++)
        {
            random.NextBytes(bytes);
            DiskImage.Detect(bytes.AsSpan(0, random.Next(bytes.Length)));
        }
    }
}
