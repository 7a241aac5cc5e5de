using System.Globalization;
using System.Text.Json;

namespace WanAccel.Images.Tests.Support;

/// <summary>Whole raw disks with real partition tables (sgdisk, sfdisk) and real file systems written into them.</summary>
internal static class TestDisks
{
    public const long Sector = 512;

    /// <summary>A partition as sfdisk reports it (bytes).</summary>
    public sealed record SfdiskPartition(string Node, long Offset, long Size, string Type);

    /// <summary>200 MiB GPT disk: partition 1 ext4 (64 MiB, files deleted), partition 2 NTFS (64 MiB). Returns the disk and the ext image.</summary>
    public static (string Disk, string Ext, string Ntfs) Gpt(TempDir tmp)
    {
        var (ext, ntfs) = FileSystems(tmp);
        var disk = tmp.File("gpt.img");
        GuestImages.CreateSparse(disk, 200L << 20);
        Tool.Run("sgdisk", "-n", "1:2048:133119", "-t", "1:8300", "-c", "1:linux", "-n", "2:133120:264191", "-t", "2:0700", disk);
        GuestImages.WriteAt(disk, 2048 * Sector, ext);
        GuestImages.WriteAt(disk, 133120 * Sector, ntfs);
        return (disk, ext, ntfs);
    }

    /// <summary>300 MiB DOS disk: primary 1 ext4, extended 2 holding logical 5 ext4 and logical 6 NTFS.</summary>
    public static (string Disk, string Ext, string Ntfs) Mbr(TempDir tmp)
    {
        var (ext, ntfs) = FileSystems(tmp);
        var disk = tmp.File("mbr.img");
        GuestImages.CreateSparse(disk, 300L << 20);
        var script = tmp.File("layout.sfdisk");
        File.WriteAllText(script, "label: dos\nstart=2048, size=131072, type=83\nstart=133120, type=5\nstart=135168, size=131072, type=83\nstart=268288, size=131072, type=7\n");
        Tool.Run("sh", "-c", $"sfdisk -q '{disk}' < '{script}'");
        GuestImages.WriteAt(disk, 2048 * Sector, ext);
        GuestImages.WriteAt(disk, 135168 * Sector, ext);
        GuestImages.WriteAt(disk, 268288 * Sector, ntfs);
        return (disk, ext, ntfs);
    }

    /// <summary>Non-extended partitions per <c>sfdisk -J</c>, sorted by start.</summary>
    public static List<SfdiskPartition> Sfdisk(string disk)
    {
        using var doc = JsonDocument.Parse(Tool.Run("sfdisk", "-J", disk));
        return [.. doc.RootElement.GetProperty("partitiontable").GetProperty("partitions").EnumerateArray()
            .Select(p => new SfdiskPartition(
                p.GetProperty("node").GetString()!,
                p.GetProperty("start").GetInt64() * Sector,
                p.GetProperty("size").GetInt64() * Sector,
                p.GetProperty("type").GetString()!))
            .Where(p => p.Type is not ("5" or "f" or "85"))
            .OrderBy(p => p.Offset)];
    }

    public static int Number(SfdiskPartition p) =>
        int.Parse(new string([.. p.Node.Reverse().TakeWhile(char.IsAsciiDigit).Reverse()]), CultureInfo.InvariantCulture);

    private static (string Ext, string Ntfs) FileSystems(TempDir tmp)
    {
        var tree = GuestImages.SampleTree(tmp);
        var ext = tmp.File("part-ext.img");
        GuestImages.MakeExt(ext, tree, "64M");
        GuestImages.DebugfsRm(ext, "/big.bin");
        var ntfs = tmp.File("part-ntfs.img");
        GuestImages.MakeNtfs(ntfs, 64L << 20, 4096, Path.Combine(tree, "keep.bin"));
        return (ext, ntfs);
    }
}
