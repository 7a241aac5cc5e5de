using System.Globalization;
using System.Text.RegularExpressions;
using WanAccel.Images.FileSystems;
using WanAccel.Images.FileSystems.Fat;
using WanAccel.Images.IO;
using WanAccel.Images.Partitions;
using WanAccel.Images.Tests.Support;

namespace WanAccel.Images.Tests.FileSystems;

public partial class FatReaderTests
{
    [ToolTheory("mkfs.fat", "fsck.fat", "mcopy", "mdel")]
    [InlineData(12, "4M", "fat12")]
    [InlineData(16, "64M", "fat16")]
    [InlineData(32, "64M", "fat32")]
    [InlineData(32, "300M", "fat32")]
    public void Read_MkfsFatWithFiles_MatchesFsckFatExactly(int bits, string size, string type)
    {
        using var tmp = new TempDir();
        var tree = GuestImages.SampleTree(tmp);
        var img = tmp.File("fat.img");
        Tool.Run("truncate", "-s", size, img);
        Tool.Run("mkfs.fat", "-F", bits.ToString(CultureInfo.InvariantCulture), img);
        Tool.Run("env", "MTOOLS_SKIP_CHECK=1", "mcopy", "-i", img, Path.Combine(tree, bits == 12 ? "mid.bin" : "big.bin"), Path.Combine(tree, "small.bin"), "::/");
        Tool.Run("env", "MTOOLS_SKIP_CHECK=1", "mdel", "-i", img, "::/small.bin");
        var m = FsckSummary().Match(Tool.Run("fsck.fat", "-n", img));
        var usedTruth = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var totalTruth = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);

        using var source = new FileByteSource(img);
        Assert.Equal(PartitionScheme.None, PartitionTable.Read(source).Scheme);
        var volume = FatReader.Read(source);
        Assert.Equal(type, GuestFileSystems.Read(source)!.Type);
        Assert.Equal(totalTruth, volume.Boot.ClusterCount);
        Assert.Equal(usedTruth, volume.UsedClusters);
        Assert.Equal((volume.Boot.DataStartSector * volume.Boot.BytesPerSector) + (usedTruth * volume.Boot.ClusterSize), volume.FileSystem.UsedBytes);
        Assert.Equal(volume.FileSystem.UsedBytes, volume.FileSystem.UsedRanges.Sum(r => r.Length));
    }

    [Fact]
    public void Read_FatLargerThanVolume_ThrowsTruncated()
    {
        var boot = new byte[4096];
        boot[0] = 0xEB;
        boot[11] = 0x00;
        boot[12] = 0x02; // 512 B/sector
        boot[13] = 1;
        boot[14] = 1;
        boot[16] = 2;
        boot[0x13] = 0xFF;
        boot[0x14] = 0xFF; // 65535 sectors
        boot[0x16] = 1;
        "FAT16"u8.CopyTo(boot.AsSpan(54));
        boot[510] = 0x55;
        boot[511] = 0xAA;
        var ex = Assert.Throws<ImageFormatException>(() => FatReader.Read(new MemoryByteSource(boot)));
        Assert.Equal(ImageError.Truncated, ex.Error);
    }

    [GeneratedRegex(@"(\d+)/(\d+) clusters")]
    private static partial Regex FsckSummary();
}
