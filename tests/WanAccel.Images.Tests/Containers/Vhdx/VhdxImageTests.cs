using WanAccel.Images.Containers;
using WanAccel.Images.Tests.Support;
using static WanAccel.Images.Tests.Support.QemuOracle;

namespace WanAccel.Images.Tests.Containers.Vhdx;

/// <summary>
/// VHDX images made by qemu-img, checked against qemu's raw conversion and info. qemu-img map calls all of a VHDX
/// "data", so the map is checked by content instead: whatever we call unallocated or zero is zero in qemu's raw.
/// </summary>
public sealed class VhdxImageTests
{
    [Theory]
    [InlineData("dynamic", 8L << 20, "0")]
    [InlineData("dynamic", (48L << 20) + 4096, "1M")]
    [InlineData("fixed", 8L << 20, "0")]
    [InlineData("fixed", 24L << 20, "2M")]
    public void Open_QemuVhdx_ContentSizeAndMapMatchQemu(string subformat, long size, string blockSize)
    {
        using var dir = new TempDir();
        var raw = dir.File("src.raw");
        SampleRaw.Patterned(raw, size, seed: (int)(size % 997));
        var vhdx = dir.File("image.bin");
        Tool.Run("qemu-img", "convert", "-f", "raw", "-O", "vhdx", "-o", $"subformat={subformat},block_size={blockSize}", raw, vhdx);

        using var disk = DiskImage.Open(vhdx);

        Assert.Equal(ImageFormat.Vhdx, disk.Format);
        Assert.Equal(subformat, disk.Subformat);
        Assert.Equal(VirtualSize(vhdx, "vhdx"), disk.Length);
        Assert.Equal(new FileInfo(vhdx).Length, disk.FileSize);
        var qemuRaw = ToRaw(dir, vhdx, "vhdx");
        Assert.Equal(Sha256(qemuRaw), Sha256(disk));
        AssertMapAgainstQemu(disk, qemuRaw);
        if (subformat == "fixed")
        {
            // Every block has storage, but qemu's convert still marks all-zero blocks PAYLOAD_BLOCK_ZERO: never "unallocated".
            Assert.DoesNotContain(disk.GetAllocationMap(), e => e.Kind == ExtentKind.Unallocated);
        }
    }

    [Fact]
    public void GetAllocationMap_Empty100GbVhdx_SingleZeroExtent()
    {
        using var dir = new TempDir();
        var vhdx = dir.File("big.bin");
        Tool.Run("qemu-img", "create", "-f", "vhdx", vhdx, "100G");

        using var disk = DiskImage.Open(vhdx);

        Assert.Equal("dynamic", disk.Subformat);
        Assert.Equal(VirtualSize(vhdx, "vhdx"), disk.Length);
        // qemu marks every block PAYLOAD_BLOCK_ZERO (its default block_state_zero=on): 6,400 blocks merge into one extent.
        Assert.Equal([new DiskExtent(0, 100L << 30, ExtentKind.Zero)], disk.GetAllocationMap());
        var buffer = new byte[65536];
        buffer.AsSpan().Fill(0xAA);
        Assert.Equal(buffer.Length, disk.ReadAt(77L << 30, buffer));
        Assert.True(buffer.AsSpan().IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void GetAllocationMap_Sparse100GbVhdxWithWrites_AllocatesExactlyTheWrittenBlocks()
    {
        using var dir = new TempDir();
        var vhdx = dir.File("big.vhdx");
        Tool.Run("qemu-img", "create", "-f", "vhdx", vhdx, "100G");
        var offsets = new[] { 0L, (50L << 30) + (12345 * 512), (100L << 30) - 65536 };
        foreach (var offset in offsets)
        {
            Tool.Run("qemu-io", "-f", "vhdx", "-c", $"write -P 0x5a {offset} 65536", vhdx);
        }

        using var info = System.Text.Json.JsonDocument.Parse(Tool.Run("qemu-img", "info", "-f", "vhdx", "--output=json", vhdx));
        var blockSize = info.RootElement.GetProperty("cluster-size").GetInt64();
        using var disk = DiskImage.Open(vhdx);

        var map = disk.GetAllocationMap();
        AssertWellFormed(map, disk.Length);
        AssertMapPointsAtData(disk, map);
        var expectedBlocks = offsets.Select(o => o / blockSize).Distinct().Order().ToList();
        var allocated = map.Where(e => e.Kind == ExtentKind.Allocated).ToList();
        Assert.Equal(expectedBlocks.Select(b => (b * blockSize, blockSize)), allocated.Select(e => (e.Offset, e.Length)));
        Assert.DoesNotContain(map, e => e.Kind == ExtentKind.Unallocated);
        foreach (var offset in offsets)
        {
            var buffer = new byte[65536 + 1024];
            disk.ReadAt(offset - 512 < 0 ? 0 : offset - 512, buffer);
            var start = offset == 0 ? 0 : 512;
            Assert.True(buffer.AsSpan(start, 65536).IndexOfAnyExcept((byte)0x5a) < 0, $"pattern missing at {offset}");
        }
    }

    [Fact]
    public void GetAllocationMap_SparseVhdxPastFirstChunk_MapsDataBeyondInterleavedBitmapEntries()
    {
        // 1 MiB blocks with 512-byte sectors: chunk ratio 4096, so blocks past 4 GiB sit after the first sector
        // bitmap entry of the BAT. Only a few MiB are ever written; qemu's raw output stays sparse.
        using var dir = new TempDir();
        var vhdx = dir.File("sparse.vhdx");
        Tool.Run("qemu-img", "create", "-f", "vhdx", "-o", "block_size=1M", vhdx, "6G");
        var offsets = new[] { 0L, (4L << 30) - 4096, 4L << 30, (5L << 30) + 12345 * 512 };
        var rng = new Random(11);
        foreach (var offset in offsets)
        {
            Tool.Run("qemu-io", "-f", "vhdx", "-c", $"write -P {rng.Next(1, 255)} {offset} 65536", vhdx);
        }

        var qemuRaw = ToRaw(dir, vhdx, "vhdx");
        using var disk = DiskImage.Open(vhdx);

        Assert.Equal(6L << 30, disk.Length);
        var map = disk.GetAllocationMap();
        AssertWellFormed(map, disk.Length);
        AssertMapPointsAtData(disk, map);
        using var fs = File.OpenRead(qemuRaw);
        foreach (var offset in offsets)
        {
            var expected = new byte[65536];
            fs.Position = offset;
            fs.ReadExactly(expected);
            var actual = new byte[65536];
            disk.ReadAt(offset, actual);
            Assert.Equal(expected, actual);
            Assert.Contains(map, e => e.Kind == ExtentKind.Allocated && e.Offset <= offset && e.End >= offset + 65536);
        }

        Assert.True(map.Where(e => e.Kind == ExtentKind.Allocated).Sum(e => e.Length) <= 5L << 20);
    }

    /// <summary>Unallocated/zero extents are zero in qemu's raw; allocated bytes fit in the container's payload area.</summary>
    private static void AssertMapAgainstQemu(IVirtualDisk disk, string qemuRaw)
    {
        var map = disk.GetAllocationMap();
        AssertWellFormed(map, disk.Length);
        AssertMapPointsAtData(disk, map);
        foreach (var e in map.Where(e => e.Kind != ExtentKind.Allocated))
        {
            AssertZeros(qemuRaw, e.Offset, e.Length);
        }

        // Payload blocks sit after the 1 MiB header area and the log, BAT and metadata regions (1 MiB each here).
        var allocated = map.Where(e => e.Kind == ExtentKind.Allocated).Sum(e => e.Length);
        Assert.True(allocated <= disk.FileSize - (4L << 20), $"{allocated} allocated bytes in a {disk.FileSize}-byte file");
        Assert.All(map.Where(e => e.Kind == ExtentKind.Allocated), e => Assert.InRange(e.FileOffset, 1L << 20, disk.FileSize - e.Length));
    }
}
