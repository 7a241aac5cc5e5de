using System.Text.Json;
using WanAccel.Images.Containers;
using WanAccel.Images.Regions;
using WanAccel.Images.Tests.Support;

namespace WanAccel.Images.Tests.Regions;

public class ImageReportTests
{
    [Fact]
    public void ToJson_GptDisk_HasRequiredFields()
    {
        using var tmp = new TempDir();
        var (disk, _, _) = TestDisks.Gpt(tmp);
        using var image = DiskImage.Open(disk);
        var report = ImageReport.Create(image);

        using var doc = JsonDocument.Parse(report.ToJson());
        var root = doc.RootElement;
        Assert.Equal("raw", root.GetProperty("format").GetString());
        Assert.Equal("", root.GetProperty("subformat").GetString());
        Assert.Equal(200L << 20, root.GetProperty("virtualSize").GetInt64());
        Assert.Equal(200L << 20, root.GetProperty("fileSize").GetInt64());
        Assert.Equal(disk, root.GetProperty("chain")[0].GetString());
        Assert.Equal("gpt", root.GetProperty("partitionScheme").GetString());
        var exact = root.GetProperty("transferBytes").GetProperty("exact").GetInt64();
        var skip = root.GetProperty("transferBytes").GetProperty("skipGuestFree").GetInt64();
        Assert.Equal(root.GetProperty("allocatedBytes").GetInt64(), exact);
        Assert.Equal(exact - root.GetProperty("regions").GetProperty("guestFree").GetInt64(), skip);
        Assert.True(skip < exact);

        var parts = root.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal(2, parts.Count);
        Assert.Equal(2048 * 512, parts[0].GetProperty("offset").GetInt64());
        Assert.Equal(64L << 20, parts[0].GetProperty("size").GetInt64());
        Assert.Equal("Linux filesystem", parts[0].GetProperty("type").GetString());
        Assert.Equal("ext4", parts[0].GetProperty("fileSystem").GetString());
        Assert.Equal(1024, parts[0].GetProperty("clusterSize").GetInt32());
        Assert.Equal("ntfs", parts[1].GetProperty("fileSystem").GetString());
        foreach (var p in parts)
        {
            // The file system spans whole clusters; NTFS leaves its backup boot sector (and a partial cluster) past the cluster count.
            var fsBytes = p.GetProperty("usedBytes").GetInt64() + p.GetProperty("freeBytes").GetInt64();
            var slack = p.GetProperty("size").GetInt64() - fsBytes;
            Assert.InRange(slack, 0, p.GetProperty("clusterSize").GetInt32());
        }
    }

    [Fact]
    public void ToJson_NoFileSystem_WritesNulls()
    {
        using var tmp = new TempDir();
        var path = tmp.File("blank.img");
        File.WriteAllBytes(path, new byte[1 << 20]);
        using var image = DiskImage.Open(path);
        using var doc = JsonDocument.Parse(ImageReport.Create(image).ToJson());
        Assert.Equal("none", doc.RootElement.GetProperty("partitionScheme").GetString());
        Assert.Equal(0, doc.RootElement.GetProperty("partitions").GetArrayLength());
        Assert.Equal(1 << 20, doc.RootElement.GetProperty("transferBytes").GetProperty("exact").GetInt64());
    }
}
