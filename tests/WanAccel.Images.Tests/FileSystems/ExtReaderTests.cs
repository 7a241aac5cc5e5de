using WanAccel.Images.FileSystems;
using WanAccel.Images.FileSystems.Ext;
using WanAccel.Images.IO;
using WanAccel.Images.Tests.Support;

namespace WanAccel.Images.Tests.FileSystems;

public class ExtReaderTests
{
    public static TheoryData<string, string> Variants => new()
    {
        { "64M", "" },                                      // mke2fs.conf "small": 1 KiB blocks, 64bit, flex_bg, metadata_csum
        { "64M", "-b 1024" },
        { "300M", "-b 4096" },                              // several groups, later ones BLOCK_UNINIT
        { "64M", "-O ^flex_bg" },                           // bitmaps inside their own group
        { "300M", "-b 4096 -O ^flex_bg" },
        { "64M", "-O ^64bit" },                             // 32-byte descriptors
        { "300M", "-b 4096 -O 64bit" },
        { "64M", "-O ^metadata_csum,uninit_bg" },           // gdt_csum (crc16) flavour of BLOCK_UNINIT
        { "64M", "-O ^metadata_csum,^uninit_bg" },          // no checksums: BLOCK_UNINIT never set/honoured
        { "64M", "-O meta_bg,^resize_inode" },
        { "64M", "-O sparse_super2" },
        { "64M", "-t ext2" },
        { "64M", "-t ext3" },
        { "200M", "-b 2048 -G 4" },
        { "1G", "-b 1024" },                                // 128 groups: sparse_super backups (3, 5, 7, 9, 25, 27, 49, 81, 125) in BLOCK_UNINIT groups
        { "2G", "-b 4096 -O ^resize_inode" },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Read_MkfsThenDelete_MatchesDumpe2fsExactly(string size, string options)
    {
        using var tmp = new TempDir();
        var tree = GuestImages.SampleTree(tmp);
        var img = tmp.File("ext.img");
        GuestImages.MakeExt(img, tree, size, options.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        GuestImages.DebugfsRm(img, "/big.bin", "/mid.bin");
        var truth = GuestImages.Dumpe2fs(img);

        using var source = new FileByteSource(img);
        Assert.True(ExtReader.Probe(source));
        var volume = ExtReader.Read(source);

        Assert.Equal(truth.Free, volume.Superblock.FreeBlocksCount);
        Assert.Equal(truth.Free, volume.FreeBlocks);
        Assert.Equal(truth.GroupFree, volume.GroupFreeBlocks);
        AssertRangesMatchFreeList(volume, truth.FreeRanges);
        Assert.Equal(volume.Superblock.BlocksCount * volume.Superblock.BlockSize, volume.FileSystem.TotalBytes);
    }

    [Fact]
    public void Read_Ext4_TypeAndClusterSizeReported()
    {
        using var tmp = new TempDir();
        var img = tmp.File("ext.img");
        GuestImages.MakeExt(img, GuestImages.SampleTree(tmp), "64M", "-b", "4096");
        using var source = new FileByteSource(img);
        var fs = GuestFileSystems.Read(source);
        Assert.NotNull(fs);
        Assert.Equal("ext4", fs.Type);
        Assert.Equal(4096, fs.ClusterSize);
        Assert.Equal(64L << 20, fs.TotalBytes);
    }

    [Fact]
    public void Read_BlockCountBeyondVolume_ThrowsTruncated()
    {
        using var tmp = new TempDir();
        var img = tmp.File("ext.img");
        GuestImages.MakeExt(img, GuestImages.SampleTree(tmp), "16M");
        var bytes = File.ReadAllBytes(img);
        var ex = Assert.Throws<ImageFormatException>(() => ExtReader.Read(new MemoryByteSource(bytes, 8 << 20)));
        Assert.Equal(ImageError.Truncated, ex.Error);
    }

    [Theory]
    [InlineData(0x18, 7u)]             // log block size: 128 KiB blocks
    [InlineData(0x20, 0u)]             // zero blocks per group
    [InlineData(0x20, 12345u)]         // blocks per group not a multiple of 8
    [InlineData(0x28, 0u)]             // zero inodes per group
    public void Read_AbsurdSuperblockField_ThrowsCorrupt(int offset, uint value)
    {
        using var tmp = new TempDir();
        var img = tmp.File("ext.img");
        GuestImages.MakeExt(img, GuestImages.SampleTree(tmp), "16M");
        var bytes = File.ReadAllBytes(img);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(1024 + offset), value);
        var ex = Assert.Throws<ImageFormatException>(() => ExtReader.Read(new MemoryByteSource(bytes)));
        Assert.Equal(ImageError.Corrupt, ex.Error);
    }

    /// <summary>The complement of our used ranges inside [first data block, blocks) must be exactly dumpe2fs' "Free blocks:" lists.</summary>
    private static void AssertRangesMatchFreeList(ExtVolume volume, List<(long First, long Last)> truth)
    {
        var bs = volume.Superblock.BlockSize;
        var expected = Merge(truth);
        var actual = new List<(long, long)>();
        long pos = 0;
        foreach (var r in volume.FileSystem.UsedRanges)
        {
            Assert.True(r.Offset >= pos, "used ranges sorted and disjoint");
            if (r.Offset > pos)
            {
                actual.Add((pos / bs, (r.Offset / bs) - 1));
            }

            pos = r.End;
        }

        if (pos < volume.FileSystem.TotalBytes)
        {
            actual.Add((pos / bs, (volume.FileSystem.TotalBytes / bs) - 1));
        }

        Assert.Equal(expected, actual);
        Assert.Equal(volume.FileSystem.UsedBytes, volume.FileSystem.UsedRanges.Sum(r => r.Length));
    }

    private static List<(long, long)> Merge(List<(long First, long Last)> ranges)
    {
        var merged = new List<(long First, long Last)>();
        foreach (var r in ranges.OrderBy(r => r.First))
        {
            if (merged.Count > 0 && merged[^1].Last + 1 == r.First)
            {
                merged[^1] = (merged[^1].First, r.Last);
            }
            else
            {
                merged.Add(r);
            }
        }

        return [.. merged.Select(m => ((long)m.First, (long)m.Last))];
    }
}
