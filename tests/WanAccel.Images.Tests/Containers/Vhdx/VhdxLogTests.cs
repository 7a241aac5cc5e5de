using System.Buffers.Binary;
using WanAccel.Images.Containers;
using WanAccel.Images.Containers.Vhdx;
using WanAccel.Images.Tests.Support;
using static WanAccel.Images.Tests.Support.QemuOracle;

namespace WanAccel.Images.Tests.Containers.Vhdx;

/// <summary>
/// A dirty log written into a qemu-made VHDX (one entry: a 4 KiB data page and an 8 KiB zero range). The oracle is
/// qemu itself: `qemu-img check -r all` replays the log into a copy, whose raw conversion we must match without
/// modifying the original.
/// </summary>
public sealed class VhdxLogTests
{
    [Fact]
    public void ReadAt_DirtyLog_MatchesQemuReplay()
    {
        using var dir = new TempDir();
        var (path, pageVirtualOffset, page) = CreateDirty(dir, corruptEntry: false);
        var before = Sha256(path);
        var replayed = dir.File("replayed.vhdx");
        File.Copy(path, replayed);
        Tool.Run("qemu-img", "check", "-r", "all", "-f", "vhdx", replayed);
        var expected = Sha256(ToRaw(dir, replayed, "vhdx"));

        using (var disk = DiskImage.Open(path))
        {
            Assert.Equal(expected, Sha256(disk));
            var actual = new byte[4096];
            disk.ReadAt(pageVirtualOffset, actual);
            Assert.Equal(page, actual);
            AssertWellFormed(disk.GetAllocationMap(), disk.Length);
        }

        Assert.Equal(before, Sha256(path));
    }

    [Fact]
    public void Open_DirtyLogWithBadEntryChecksum_ThrowsCorrupt()
    {
        using var dir = new TempDir();
        var (path, _, _) = CreateDirty(dir, corruptEntry: true);

        var ex = Assert.Throws<ImageFormatException>(() => DiskImage.Open(path));
        Assert.Equal(ImageError.Corrupt, ex.Error);
    }

    internal static (string Path, long PageVirtualOffset, byte[] Page) CreateDirty(TempDir dir, bool corruptEntry)
    {
        var raw = dir.File("src.raw");
        SampleRaw.Patterned(raw, 16L << 20, seed: 8, blocks: 30);
        var path = dir.File("dirty.vhdx");
        Tool.Run("qemu-img", "convert", "-f", "raw", "-O", "vhdx", "-o", "block_size=1M", raw, path);
        var file = new VhdxTestFile(File.ReadAllBytes(path));
        var present = Enumerable.Range(0, 16).Where(i => (file.Bat(i) & 7) == 6).ToList();
        Assert.True(present.Count >= 2);
        var pageAt = (long)(file.Bat(present[0]) >> 20 << 20) + 8192;
        var zeroAt = (long)(file.Bat(present[1]) >> 20 << 20) + 4096;

        var page = new byte[4096];
        new Random(2).NextBytes(page);
        var logGuid = Guid.NewGuid();
        const ulong sequence = 0x1_0000_0007;
        var entry = new byte[8192];
        "loge"u8.CopyTo(entry);
        BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(8), 8192);
        BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(12), 0);
        BinaryPrimitives.WriteUInt64LittleEndian(entry.AsSpan(16), sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(24), 2);
        logGuid.TryWriteBytes(entry.AsSpan(32, 16));
        BinaryPrimitives.WriteUInt64LittleEndian(entry.AsSpan(48), (ulong)file.Bytes.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(entry.AsSpan(56), (ulong)file.Bytes.Length);
        var data = entry.AsSpan(64, 32);
        "desc"u8.CopyTo(data);
        page.AsSpan(4092, 4).CopyTo(data[4..]);
        page.AsSpan(0, 8).CopyTo(data[8..]);
        BinaryPrimitives.WriteUInt64LittleEndian(data[16..], (ulong)pageAt);
        BinaryPrimitives.WriteUInt64LittleEndian(data[24..], sequence);
        var zero = entry.AsSpan(96, 32);
        "zero"u8.CopyTo(zero);
        BinaryPrimitives.WriteUInt64LittleEndian(zero[8..], 8192);
        BinaryPrimitives.WriteUInt64LittleEndian(zero[16..], (ulong)zeroAt);
        BinaryPrimitives.WriteUInt64LittleEndian(zero[24..], sequence);
        var sector = entry.AsSpan(4096, 4096);
        "data"u8.CopyTo(sector);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[4..], (uint)(sequence >> 32));
        page.AsSpan(8, 4084).CopyTo(sector[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[4092..], unchecked((uint)sequence));
        BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(4), Crc32C.Compute(entry, 4) ^ (corruptEntry ? 1u : 0u));

        entry.CopyTo(file.Bytes, (long)file.Log.LogOffset);
        file.SetLogGuid(logGuid);
        File.WriteAllBytes(path, file.Bytes);
        return (path, (present[0] * (1L << 20)) + 8192, page);
    }
}
