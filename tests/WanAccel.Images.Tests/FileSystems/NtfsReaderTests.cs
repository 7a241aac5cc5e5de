using WanAccel.Images.FileSystems;
using WanAccel.Images.FileSystems.Ntfs;
using WanAccel.Images.IO;
using WanAccel.Images.Tests.Support;

namespace WanAccel.Images.Tests.FileSystems;

public class NtfsReaderTests
{
    [Theory]
    [InlineData(64L << 20, 4096)]
    [InlineData(64L << 20, 512)]
    [InlineData(64L << 20, 65536)]
    [InlineData(300L << 20, 131072)]   // 256 sectors per cluster: BPB byte 0xF8, the negative-exponent encoding
    public void Read_MkntfsWithFiles_MatchesNtfsinfoExactly(long bytes, int cluster)
    {
        using var tmp = new TempDir();
        var tree = GuestImages.SampleTree(tmp);
        var img = tmp.File("ntfs.img");
        GuestImages.MakeNtfs(img, bytes, cluster, Path.Combine(tree, "big.bin"), Path.Combine(tree, "keep.bin"), Path.Combine(tree, "small.bin"));
        var truth = GuestImages.NtfsInfo(img);

        using var source = new FileByteSource(img);
        Assert.True(NtfsReader.Probe(source));
        var volume = NtfsReader.Read(source);

        Assert.Equal(cluster, volume.Boot.ClusterSize);
        Assert.Equal(truth.Clusters, volume.Boot.ClusterCount);
        Assert.Equal(truth.Free, volume.FreeClusters);
        Assert.Equal(volume.FileSystem.UsedBytes, volume.FileSystem.UsedRanges.Sum(r => r.Length));
        Assert.Equal((truth.Clusters - truth.Free) * cluster, volume.FileSystem.UsedBytes);
    }

    [Fact]
    public void Read_Ntfs_UsedRangesCoverCopiedFileClusters()
    {
        using var tmp = new TempDir();
        var tree = GuestImages.SampleTree(tmp);
        var img = tmp.File("ntfs.img");
        GuestImages.MakeNtfs(img, 32L << 20, 4096, Path.Combine(tree, "big.bin"));
        using var source = new FileByteSource(img);
        var fs = GuestFileSystems.Read(source)!;
        Assert.Equal("ntfs", fs.Type);

        // ntfscluster -F names the clusters of a file; each must lie inside a used range.
        var text = Tool.Run("ntfsinfo", "-F", "/big.bin", "-v", img);
        Assert.Contains("big.bin", text, StringComparison.Ordinal);
        var lcns = System.Text.RegularExpressions.Regex.Matches(text, @"0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)")
            .Select(m => Convert.ToInt64(m.Groups[2].Value, 16)).Where(l => l > 0).ToList();
        Assert.NotEmpty(lcns);
        foreach (var lcn in lcns)
        {
            Assert.Contains(fs.UsedRanges, r => r.Offset <= lcn * 4096 && lcn * 4096 < r.End);
        }
    }

    [Fact]
    public void Read_Truncated_ThrowsTruncated()
    {
        using var tmp = new TempDir();
        var img = tmp.File("ntfs.img");
        GuestImages.MakeNtfs(img, 16L << 20, 4096);
        var bytes = File.ReadAllBytes(img);
        var ex = Assert.Throws<ImageFormatException>(() => NtfsReader.Read(new MemoryByteSource(bytes, 8 << 20)));
        Assert.Equal(ImageError.Truncated, ex.Error);
    }
}
