using System.Globalization;
using System.Text.RegularExpressions;
using WanAccel.Images.FileSystems;
using WanAccel.Images.FileSystems.Xfs;
using WanAccel.Images.IO;
using WanAccel.Images.Tests.Support;

namespace WanAccel.Images.Tests.FileSystems;

public partial class XfsReaderTests
{
    [ToolTheory("mkfs.xfs", "xfs_db")]
    [InlineData("512M", "")]                     // v5 (CRC): 56-byte btree headers, 36-byte AGFL header
    [InlineData("512M", "-m crc=0")]             // v4
    [InlineData("1G", "-b size=1024")]
    [InlineData("700M", "-d agcount=7")]         // short last AG
    public void Read_MkfsXfsWithFiles_MatchesXfsDbFreespExactly(string size, string options)
    {
        using var tmp = new TempDir();
        var img = MakeXfs(tmp, size, options.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var freesp = Tool.Run("xfs_db", "-r", "-c", "freesp -s", img);
        var totalFree = long.Parse(TotalFree().Match(freesp).Groups[1].Value, CultureInfo.InvariantCulture);

        using var source = new FileByteSource(img);
        var volume = XfsReader.Read(source);
        Assert.Equal(totalFree, volume.FreeBlocks);
        for (var ag = 0; ag < volume.Superblock.AgCount; ag++)
        {
            var agf = Tool.Run("xfs_db", "-r", "-c", $"agf {ag}", "-c", "print freeblks flcount", img);
            var m = AgfCounts().Match(agf);
            Assert.Equal(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), volume.AgFreeBlocks[ag]);
        }

        var fs = GuestFileSystems.Read(source)!;
        Assert.Equal("xfs", fs.Type);
        Assert.Equal(fs.UsedBytes, fs.UsedRanges.Sum(r => r.Length));
        Assert.Equal(volume.Superblock.DataBlocks * volume.Superblock.BlockSize, fs.TotalBytes);
    }

    /// <summary>mkfs.xfs populated from a proto file (no mount needed); below 300 MB only with the xfstests environment variables.</summary>
    internal static string MakeXfs(TempDir tmp, string size, params string[] options)
    {
        var tree = GuestImages.SampleTree(tmp);
        var proto = tmp.File("proto");
        File.WriteAllText(proto, $"/dev/null\n0 0\nd--755 0 0\nbig.bin ---644 0 0 {Path.Combine(tree, "big.bin")}\nsub d--755 0 0\nkeep.bin ---644 0 0 {Path.Combine(tree, "keep.bin")}\n$\n$\n");
        var img = tmp.File("xfs.img");
        Tool.Run("truncate", "-s", size, img);
        Tool.Run("env", ["TEST_DIR=/tmp", "TEST_DEV=x", "QA_CHECK_FS=1", "mkfs.xfs", "-q", "-f", "-p", proto, .. options, img]);
        return img;
    }

    [GeneratedRegex(@"total free blocks (\d+)")]
    private static partial Regex TotalFree();

    [GeneratedRegex(@"freeblks = (\d+)\s+flcount = (\d+)")]
    private static partial Regex AgfCounts();
}
