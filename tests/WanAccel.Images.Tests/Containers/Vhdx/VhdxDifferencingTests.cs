using WanAccel.Images.Containers;
using WanAccel.Images.Containers.Vhdx;
using WanAccel.Images.Tests.Support;
using static WanAccel.Images.Tests.Support.QemuOracle;

namespace WanAccel.Images.Tests.Containers.Vhdx;

/// <summary>
/// Differencing VHDX built from qemu-made files (qemu-img: "Backing file not supported for file format 'vhdx'"):
/// an empty qemu VHDX gets HasParent, a parent locator, and hand-set BAT entries (zero, partially and fully present).
/// </summary>
public sealed class VhdxDifferencingTests
{
    private const long Size = 16L << 20;
    private const int BlockSize = 1 << 20;
    private const long ChunkRatio = 4096; // 2^23 * 512 / 1 MiB

    [Theory]
    [InlineData("relative_path", @".\parent.vhdx")]
    [InlineData("absolute_win32_path", @"C:\VMs\Disks\parent.vhdx")]
    public void Open_DifferencingVhdx_ReadsChildBlocksOverParent(string key, string value)
    {
        using var dir = new TempDir();
        var parentPath = CreateParent(dir, out var linkage);
        var (child, expected) = CreateChild(dir, parentPath, [("parent_linkage", linkage.ToString("B")), (key, value)]);

        using var disk = DiskImage.Open(child);

        Assert.Equal(ImageFormat.Vhdx, disk.Format);
        Assert.Equal("differencing", disk.Subformat);
        Assert.Equal([child, parentPath], disk.Chain);
        var actual = new byte[disk.Length];
        Assert.Equal(actual.Length, disk.ReadAt(0, actual));
        Assert.True(expected.AsSpan().SequenceEqual(actual));
        var map = disk.GetAllocationMap();
        AssertWellFormed(map, disk.Length);
        AssertMapPointsAtData(disk, map);
        Assert.Contains(new DiskExtent(0, BlockSize, ExtentKind.Zero), map);
        Assert.Contains(map, e => e.Layer == 0 && e.Kind == ExtentKind.Allocated && e.Offset == 5 * BlockSize && e.Length == BlockSize);
        Assert.Contains(map, e => e.Layer == 1 && e.Kind == ExtentKind.Allocated);
    }

    [Fact]
    public void Open_DifferencingVhdxWhoseParentIsItself_ThrowsLoop()
    {
        using var dir = new TempDir();
        var parentPath = CreateParent(dir, out var linkage);
        var (child, _) = CreateChild(dir, parentPath, [("parent_linkage", linkage.ToString("B")), ("relative_path", @".\child.vhdx")]);

        var ex = Assert.Throws<ImageFormatException>(() => DiskImage.Open(child));
        Assert.Equal(ImageError.Loop, ex.Error);
    }

    [Fact]
    public void Open_DifferencingVhdxWithWrongLinkage_ThrowsCorrupt()
    {
        using var dir = new TempDir();
        var parentPath = CreateParent(dir, out _);
        var (child, _) = CreateChild(dir, parentPath, [("parent_linkage", Guid.NewGuid().ToString("B")), ("relative_path", "parent.vhdx")]);

        var ex = Assert.Throws<ImageFormatException>(() => DiskImage.Open(child));
        Assert.Equal(ImageError.Corrupt, ex.Error);
    }

    [Fact]
    public void Open_PartiallyPresentBlockWithoutSectorBitmap_ThrowsCorrupt()
    {
        using var dir = new TempDir();
        var parentPath = CreateParent(dir, out var linkage);
        var (child, _) = CreateChild(dir, parentPath, [("parent_linkage", linkage.ToString("B")), ("relative_path", "parent.vhdx")]);
        var file = new VhdxTestFile(File.ReadAllBytes(child));
        file.SetBat(VhdxDisk.BitmapIndex(0, ChunkRatio), 0);
        File.WriteAllBytes(child, file.Bytes);

        var ex = Assert.Throws<ImageFormatException>(() => DiskImage.Open(child));
        Assert.Equal(ImageError.Corrupt, ex.Error);
    }

    internal static string CreateParent(TempDir dir, out Guid dataWriteGuid)
    {
        var raw = dir.File("parent.raw");
        SampleRaw.Patterned(raw, Size, seed: 21, blocks: 16);
        var path = dir.File("parent.vhdx");
        Tool.Run("qemu-img", "convert", "-f", "raw", "-O", "vhdx", "-o", "block_size=1M", raw, path);
        dataWriteGuid = new VhdxTestFile(File.ReadAllBytes(path)).DataWriteGuid;
        return path;
    }

    /// <summary>Child: block 0 ZERO, block 3 partially present (bitmap), block 5 fully present, the rest from the parent.</summary>
    internal static (string Path, byte[] Expected) CreateChild(TempDir dir, string parentPath, (string, string)[] locator)
    {
        var path = dir.File("child.vhdx");
        Tool.Run("qemu-img", "create", "-f", "vhdx", "-o", "block_size=1M", path, Size.ToString());
        var file = new VhdxTestFile(File.ReadAllBytes(path));
        file.MakeDifferencing(locator);
        for (long i = 0; i < Size / BlockSize; i++)
        {
            file.SetBat(VhdxDisk.PayloadIndex(i, ChunkRatio), 0); // NOT_PRESENT: read the parent
        }

        var rng = new Random(4);
        var partial = new byte[BlockSize];
        var full = new byte[BlockSize];
        rng.NextBytes(partial);
        rng.NextBytes(full);
        var bitmap = new byte[1 << 20];
        const int sectorsPerBlock = BlockSize / 512;
        var present = new bool[sectorsPerBlock];
        for (var s = 0; s < sectorsPerBlock; s++)
        {
            present[s] = s < 64 || (s >= 1000 && s < 1100) || rng.Next(10) == 0;
            var bit = (3 * sectorsPerBlock) + s;
            if (present[s])
            {
                bitmap[bit / 8] |= (byte)(1 << (bit % 8)); // MS-VHDX: bit 0 of byte 0 is the first sector
            }
        }

        var partialAt = file.Append(partial);
        var fullAt = file.Append(full);
        var bitmapAt = file.Append(bitmap);
        file.SetBat(VhdxDisk.PayloadIndex(0, ChunkRatio), 2);
        file.SetBat(VhdxDisk.PayloadIndex(3, ChunkRatio), (ulong)partialAt | 7);
        file.SetBat(VhdxDisk.PayloadIndex(5, ChunkRatio), (ulong)fullAt | 6);
        file.SetBat(VhdxDisk.BitmapIndex(0, ChunkRatio), (ulong)bitmapAt | 6);
        File.WriteAllBytes(path, file.Bytes);

        var expected = File.ReadAllBytes(ToRaw(dir, parentPath, "vhdx"));
        expected.AsSpan(0, BlockSize).Clear();
        full.CopyTo(expected, 5 * BlockSize);
        for (var s = 0; s < sectorsPerBlock; s++)
        {
            if (present[s])
            {
                partial.AsSpan(s * 512, 512).CopyTo(expected.AsSpan((3 * BlockSize) + (s * 512)));
            }
        }

        return (path, expected);
    }
}
