using WanAccel.Images.Containers;
using WanAccel.Images.Tests.Support;
using static WanAccel.Images.Tests.Support.QemuOracle;

namespace WanAccel.Images.Tests.Containers.Vhd;

/// <summary>
/// Hand-built dynamic and differencing VHDs (qemu-img cannot create differencing VHDs: "Backing file not supported
/// for file format 'vpc'"). The builder itself is checked against qemu on a dynamic image first.
/// </summary>
public sealed class VhdDifferencingTests
{
    private const long Size = 8L << 20;

    [Fact]
    public void Build_DynamicWithFullBitmaps_QemuReadsSameContent()
    {
        using var dir = new TempDir();
        var builder = new VhdBuilder { Size = Size };
        AddBlock(builder, 1, new Random(1), fullBitmap: true);
        AddBlock(builder, 3, new Random(2), fullBitmap: true);
        var path = dir.File("built.vhd");
        File.WriteAllBytes(path, builder.Build());

        using var disk = DiskImage.Open(path);

        Assert.Equal("dynamic", disk.Subformat);
        Assert.Equal(VirtualSize(path, "vpc"), disk.Length);
        Assert.Equal(Sha256(ToRaw(dir, path, "vpc")), Sha256(disk));
        Assert.Equal(DataRuns(path, "vpc"), DataRuns(disk.GetAllocationMap()));
    }

    [Fact]
    public void ReadAt_DynamicSectorWithClearBit_ReadsZerosPerSpec()
    {
        // VHD spec: a clear bit marks a sector never written. qemu ignores the bitmap of dynamic disks and would
        // return the stale bytes; we follow the spec (qemu itself always writes full bitmaps, so its images agree).
        using var dir = new TempDir();
        var builder = new VhdBuilder { Size = Size };
        var (bitmap, data) = AddBlock(builder, 2, new Random(5), fullBitmap: false);
        var path = dir.File("partial.vhd");
        File.WriteAllBytes(path, builder.Build());

        using var disk = DiskImage.Open(path);
        var block = new byte[builder.BlockSize];
        disk.ReadAt(2L * builder.BlockSize, block);

        for (var s = 0; s < builder.BlockSize / 512; s++)
        {
            var expected = VhdBuilder.GetBit(bitmap, s) ? data.AsSpan(s * 512, 512) : new byte[512];
            Assert.True(expected.SequenceEqual(block.AsSpan(s * 512, 512)), $"sector {s}");
        }

        var map = disk.GetAllocationMap();
        AssertWellFormed(map, disk.Length);
        AssertMapPointsAtData(disk, map);
        Assert.Equal(Enumerable.Range(0, (int)(builder.BlockSize / 512)).Count(s => VhdBuilder.GetBit(bitmap, s)) * 512L,
            map.Where(e => e.Kind == ExtentKind.Allocated).Sum(e => e.Length));
    }

    [Theory]
    [InlineData("W2ru", @".\parent.vhd")]
    [InlineData("W2ku", @"C:\Hyper-V\Disks\parent.vhd")]
    [InlineData("MacX", "file:///nonexistent/dir/parent.vhd")]
    [InlineData("none", "")]
    public void Open_DifferencingVhd_ReadsChildSectorsOverParent(string code, string locator)
    {
        using var dir = new TempDir();
        var parentPath = CreateQemuParent(dir, out var parentId);
        var builder = new VhdBuilder { Size = VirtualSize(parentPath, "vpc"), ParentUniqueId = parentId, ParentUnicodeName = "parent.vhd" };
        if (code != "none")
        {
            builder.Locators.Add((code, locator));
        }

        var (bitmap, data) = AddBlock(builder, 1, new Random(9), fullBitmap: false);
        var childPath = dir.File("child.bin");
        File.WriteAllBytes(childPath, builder.Build());
        var expected = File.ReadAllBytes(ToRaw(dir, parentPath, "vpc"));
        for (var s = 0; s < builder.BlockSize / 512; s++)
        {
            if (VhdBuilder.GetBit(bitmap, s))
            {
                data.AsSpan(s * 512, 512).CopyTo(expected.AsSpan((int)builder.BlockSize + (s * 512)));
            }
        }

        using var disk = DiskImage.Open(childPath);

        Assert.Equal("differencing", disk.Subformat);
        Assert.Equal([childPath, parentPath], disk.Chain);
        var actual = new byte[disk.Length];
        Assert.Equal(actual.Length, disk.ReadAt(0, actual));
        Assert.True(expected.AsSpan().SequenceEqual(actual));
        var map = disk.GetAllocationMap();
        AssertWellFormed(map, disk.Length);
        AssertMapPointsAtData(disk, map);
        Assert.Contains(map, e => e.Layer == 1 && e.Kind == ExtentKind.Allocated);
        Assert.All(map.Where(e => e.Layer == 0 && e.Kind == ExtentKind.Allocated), e => Assert.InRange(e.Offset, builder.BlockSize, (2 * builder.BlockSize) - 1));
    }

    [Fact]
    public void Open_DifferencingVhdWhoseParentIsItself_ThrowsLoop()
    {
        using var dir = new TempDir();
        var builder = new VhdBuilder { ParentUniqueId = Guid.NewGuid() };
        builder.Locators.Add(("W2ru", @".\self.vhd"));
        var path = dir.File("self.vhd");
        File.WriteAllBytes(path, builder.Build());

        var ex = Assert.Throws<ImageFormatException>(() => DiskImage.Open(path));
        Assert.Equal(ImageError.Loop, ex.Error);
    }

    [Fact]
    public void Open_DifferencingVhdWithMissingParent_ThrowsMissingFile()
    {
        using var dir = new TempDir();
        var builder = new VhdBuilder { ParentUniqueId = Guid.NewGuid(), ParentUnicodeName = "gone.vhd" };
        builder.Locators.Add(("W2ru", @".\gone.vhd"));
        var path = dir.File("child.vhd");
        File.WriteAllBytes(path, builder.Build());

        var ex = Assert.Throws<ImageFormatException>(() => DiskImage.Open(path));
        Assert.Equal(ImageError.MissingFile, ex.Error);
    }

    [Fact]
    public void Open_DifferencingVhdWithWrongParentId_ThrowsCorrupt()
    {
        using var dir = new TempDir();
        CreateQemuParent(dir, out _);
        var builder = new VhdBuilder { ParentUniqueId = Guid.NewGuid() };
        builder.Locators.Add(("W2ru", @".\parent.vhd"));
        var path = dir.File("child.vhd");
        File.WriteAllBytes(path, builder.Build());

        var ex = Assert.Throws<ImageFormatException>(() => DiskImage.Open(path));
        Assert.Equal(ImageError.Corrupt, ex.Error);
    }

    [Fact]
    public void Open_BatEntryBeyondEndOfFile_ThrowsCorrupt()
    {
        using var dir = new TempDir();
        var builder = new VhdBuilder();
        AddBlock(builder, 0, new Random(1), fullBitmap: true);
        builder.BatOverrides[2] = 0x00FFFFFF;
        var path = dir.File("bad.vhd");
        File.WriteAllBytes(path, builder.Build());

        var ex = Assert.Throws<ImageFormatException>(() => DiskImage.Open(path));
        Assert.Equal(ImageError.Corrupt, ex.Error);
    }

    [Fact]
    public void Open_OverlappingBlocks_ThrowsCorrupt()
    {
        using var dir = new TempDir();
        var builder = new VhdBuilder();
        AddBlock(builder, 0, new Random(1), fullBitmap: true);
        var bytes = builder.Build();
        var first = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1536));
        builder.BatOverrides[1] = first + 8;
        File.WriteAllBytes(dir.File("bad.vhd"), builder.Build());

        var ex = Assert.Throws<ImageFormatException>(() => DiskImage.Open(dir.File("bad.vhd")));
        Assert.Equal(ImageError.Corrupt, ex.Error);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.99)]
    public void Open_TruncatedQemuDynamicVhd_ThrowsTypedError(double keep)
    {
        using var dir = new TempDir();
        var parent = CreateQemuParent(dir, out _);
        var bytes = File.ReadAllBytes(parent);
        File.WriteAllBytes(parent, bytes[..(int)(bytes.Length * keep)]);

        var ex = Assert.Throws<ImageFormatException>(() => DiskImage.Open(parent));
        Assert.Contains(ex.Error, new[] { ImageError.Corrupt, ImageError.Truncated });
    }

    [Fact]
    public void Open_BothFootersChecksumBroken_ThrowsCorrupt()
    {
        using var dir = new TempDir();
        var bytes = new VhdBuilder().Build();
        bytes[70] ^= 1;
        bytes[^(512 - 70)] ^= 1;
        File.WriteAllBytes(dir.File("bad.vhd"), bytes);

        var ex = Assert.Throws<ImageFormatException>(() => DiskImage.Open(dir.File("bad.vhd")));
        Assert.Equal(ImageError.Corrupt, ex.Error);
    }

    private static string CreateQemuParent(TempDir dir, out Guid uniqueId)
    {
        var raw = dir.File("parent.raw");
        SampleRaw.Patterned(raw, Size, seed: 42, blocks: 10);
        var path = dir.File("parent.vhd");
        Tool.Run("qemu-img", "convert", "-f", "raw", "-O", "vpc", "-o", "subformat=dynamic", raw, path);
        var bytes = File.ReadAllBytes(path);
        uniqueId = new Guid(bytes.AsSpan(bytes.Length - 512 + 68, 16), bigEndian: true);
        return path;
    }

    private static (byte[] Bitmap, byte[] Data) AddBlock(VhdBuilder builder, int index, Random rng, bool fullBitmap)
    {
        var bitmap = new byte[builder.BitmapBytes];
        var sectors = builder.BlockSize / 512;
        if (fullBitmap)
        {
            bitmap.AsSpan(0, (int)(sectors / 8)).Fill(0xFF);
        }
        else
        {
            for (var s = 0; s < sectors; s++)
            {
                if (s < 100 || (s > 700 && s < 709) || rng.Next(16) == 0)
                {
                    VhdBuilder.SetBit(bitmap, s);
                }
            }
        }

        var data = new byte[builder.BlockSize];
        rng.NextBytes(data);
        builder.Blocks[index] = (bitmap, data);
        return (bitmap, data);
    }
}
