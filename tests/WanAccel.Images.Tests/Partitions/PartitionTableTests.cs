using System.Buffers.Binary;
using System.IO.Hashing;
using WanAccel.Images.IO;
using WanAccel.Images.Partitions;
using WanAccel.Images.Tests.Support;

namespace WanAccel.Images.Tests.Partitions;

public class PartitionTableTests
{
    [Fact]
    public void Read_SgdiskGpt_MatchesSfdisk()
    {
        using var tmp = new TempDir();
        var (disk, _, _) = TestDisks.Gpt(tmp);
        using var source = new FileByteSource(disk);
        var table = PartitionTable.Read(source);

        Assert.Equal(PartitionScheme.Gpt, table.Scheme);
        AssertMatchesSfdisk(disk, table);
        Assert.Equal("Linux filesystem", table.Partitions[0].Type);
        Assert.Equal("linux", table.Partitions[0].Name);
        Assert.Equal("Microsoft basic data", table.Partitions[1].Type);
    }

    [Fact]
    public void Read_GptPrimaryHeaderCorrupt_FallsBackToBackup()
    {
        using var tmp = new TempDir();
        var (disk, _, _) = TestDisks.Gpt(tmp);
        var bytes = File.ReadAllBytes(disk);
        bytes[512 + 40] ^= 0xFF; // first usable LBA: header CRC no longer matches
        var table = PartitionTable.Read(new MemoryByteSource(bytes));
        Assert.Equal(PartitionScheme.Gpt, table.Scheme);
        Assert.Equal(2, table.Partitions.Count);
        Assert.Equal(2048 * 512L, table.Partitions[0].Offset);
    }

    [Fact]
    public void Read_GptPrimaryArrayCorrupt_FallsBackToBackup()
    {
        using var tmp = new TempDir();
        var (disk, _, _) = TestDisks.Gpt(tmp);
        var bytes = File.ReadAllBytes(disk);
        bytes[1024 + 32] ^= 0x01; // entry 1 first LBA: array CRC no longer matches
        var table = PartitionTable.Read(new MemoryByteSource(bytes));
        Assert.Equal(2048 * 512L, table.Partitions[0].Offset);
    }

    [Fact]
    public void Read_GptBothHeadersCorrupt_ThrowsCorrupt()
    {
        using var tmp = new TempDir();
        var (disk, _, _) = TestDisks.Gpt(tmp);
        var bytes = File.ReadAllBytes(disk);
        bytes[512 + 40] ^= 0xFF;
        bytes[bytes.Length - 512 + 40] ^= 0xFF;
        var ex = Assert.Throws<ImageFormatException>(() => PartitionTable.Read(new MemoryByteSource(bytes)));
        Assert.Equal(ImageError.Corrupt, ex.Error);
    }

    [Fact]
    public void Read_GptHugeEntryCount_ThrowsLimitExceeded()
    {
        var bytes = MinimalGpt(entries: 10_000_000, entrySize: 128);
        var ex = Assert.Throws<ImageFormatException>(() => PartitionTable.Read(new MemoryByteSource(bytes)));
        Assert.Equal(ImageError.LimitExceeded, ex.Error);
    }

    [Fact]
    public void Read_SfdiskMbrWithLogicalPartitions_MatchesSfdisk()
    {
        using var tmp = new TempDir();
        var (disk, _, _) = TestDisks.Mbr(tmp);
        using var source = new FileByteSource(disk);
        var table = PartitionTable.Read(source);

        Assert.Equal(PartitionScheme.Mbr, table.Scheme);
        AssertMatchesSfdisk(disk, table);
        Assert.Equal([1, 5, 6], table.Partitions.Select(p => p.Index));
        Assert.Equal("0x83 Linux", table.Partitions[1].Type);
        Assert.Equal("0x07 NTFS/exFAT", table.Partitions[2].Type);
    }

    [Fact]
    public void Read_EbrChainLoop_ThrowsLoop()
    {
        var bytes = new byte[2 << 20];
        MbrEntry(bytes, 0, 0, 0x05, 100, 3000);
        Ebr(bytes, 100, logicalRel: 10, nextRel: 200);   // EBR at LBA 100 -> 300
        Ebr(bytes, 300, logicalRel: 10, nextRel: 400);   // 300 -> 500
        Ebr(bytes, 500, logicalRel: 10, nextRel: 200);   // 500 -> 300 again
        var ex = Assert.Throws<ImageFormatException>(() => PartitionTable.Read(new MemoryByteSource(bytes)));
        Assert.Equal(ImageError.Loop, ex.Error);
    }

    [Fact]
    public void Read_PartitionBeyondDisk_ThrowsTruncated()
    {
        var bytes = new byte[1 << 20];
        MbrEntry(bytes, 0, 0, 0x83, 2048, 100_000);
        var ex = Assert.Throws<ImageFormatException>(() => PartitionTable.Read(new MemoryByteSource(bytes)));
        Assert.Equal(ImageError.Truncated, ex.Error);
    }

    [Fact]
    public void Read_BareNtfsAndExt_ReportsNoTable()
    {
        using var tmp = new TempDir();
        var ntfs = tmp.File("n.img");
        GuestImages.MakeNtfs(ntfs, 16L << 20, 4096);
        var ext = tmp.File("e.img");
        GuestImages.MakeExt(ext, GuestImages.SampleTree(tmp), "16M");
        using var n = new FileByteSource(ntfs);
        using var e = new FileByteSource(ext);
        Assert.Equal(PartitionScheme.None, PartitionTable.Read(n).Scheme);
        Assert.Equal(PartitionScheme.None, PartitionTable.Read(e).Scheme);
    }

    private static void AssertMatchesSfdisk(string disk, PartitionTable table)
    {
        var truth = TestDisks.Sfdisk(disk);
        Assert.Equal(truth.Select(p => (TestDisks.Number(p), p.Offset, p.Size)), table.Partitions.Select(p => (p.Index, p.Offset, p.Size)));
    }

    internal static void MbrEntry(byte[] sector0, long sectorLba, int slot, byte type, uint start, uint count)
    {
        var e = sector0.AsSpan((int)(sectorLba * 512) + 446 + (slot * 16), 16);
        e[4] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(e[8..], start);
        BinaryPrimitives.WriteUInt32LittleEndian(e[12..], count);
        sector0[(sectorLba * 512) + 510] = 0x55;
        sector0[(sectorLba * 512) + 511] = 0xAA;
    }

    private static void Ebr(byte[] disk, uint lba, uint logicalRel, uint nextRel)
    {
        MbrEntry(disk, lba, 0, 0x83, logicalRel, 10);
        MbrEntry(disk, lba, 1, 0x05, nextRel, 20);
    }

    /// <summary>A 1 MiB disk with a protective MBR and a primary GPT header (valid CRC) claiming the given array shape.</summary>
    internal static byte[] MinimalGpt(uint entries, uint entrySize)
    {
        var bytes = new byte[1 << 20];
        MbrEntry(bytes, 0, 0, 0xEE, 1, (uint)(bytes.Length / 512) - 1);
        var h = bytes.AsSpan(512, 92);
        "EFI PART"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], 0x00010000);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 92);
        BinaryPrimitives.WriteUInt64LittleEndian(h[24..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(h[32..], (ulong)(bytes.Length / 512) - 1);
        BinaryPrimitives.WriteUInt64LittleEndian(h[40..], 34);
        BinaryPrimitives.WriteUInt64LittleEndian(h[48..], (ulong)(bytes.Length / 512) - 34);
        BinaryPrimitives.WriteUInt64LittleEndian(h[72..], 2);
        BinaryPrimitives.WriteUInt32LittleEndian(h[80..], entries);
        BinaryPrimitives.WriteUInt32LittleEndian(h[84..], entrySize);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], Crc32.HashToUInt32(h));
        return bytes;
    }
}
