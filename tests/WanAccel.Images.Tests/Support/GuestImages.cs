using System.Globalization;
using System.Text.RegularExpressions;

namespace WanAccel.Images.Tests.Support;

/// <summary>Builds guest file system images with the real tools (mkfs.ext4, debugfs, mkntfs, ntfscp) and reads their reports.</summary>
internal static partial class GuestImages
{
    /// <summary>A tree of real files (a subset of /usr/share/doc) plus a few incompressible files of known sizes.</summary>
    public static string SampleTree(TempDir tmp, string name = "tree")
    {
        var root = tmp.File(name);
        Directory.CreateDirectory(root);
        var copied = 0;
        foreach (var dir in Directory.EnumerateDirectories("/usr/share/doc").Where(d => new DirectoryInfo(d).LinkTarget is null).Order(StringComparer.Ordinal).Take(40))
        {
            var target = Path.Combine(root, "doc", Path.GetFileName(dir));
            Directory.CreateDirectory(target);
            foreach (var f in Directory.EnumerateFiles(dir).Where(f => new FileInfo(f).LinkTarget is null))
            {
                File.Copy(f, Path.Combine(target, Path.GetFileName(f)));
                copied++;
            }
        }

        var rng = new Random(42);
        foreach (var (file, size) in new[] { ("big.bin", 1 << 20), ("mid.bin", 300_000), ("keep.bin", 700_000), ("small.bin", 5_000) })
        {
            var data = new byte[size];
            rng.NextBytes(data);
            File.WriteAllBytes(Path.Combine(root, file), data);
        }

        return root;
    }

    /// <summary><c>mkfs.ext4 -q -F -d tree [options] img size</c>.</summary>
    public static void MakeExt(string image, string tree, string size, params string[] options) =>
        Tool.Run("mkfs.ext4", ["-q", "-F", "-d", tree, .. options, image, size]);

    /// <summary>Deletes files with <c>debugfs -w -R 'rm path'</c>: their blocks become free but keep their stale data.</summary>
    public static void DebugfsRm(string image, params string[] paths)
    {
        foreach (var p in paths)
        {
            Tool.Run("debugfs", "-w", "-R", $"rm {p}", image);
        }
    }

    /// <summary>Superblock "Free blocks:" and the per-group "N free blocks" counts from dumpe2fs.</summary>
    public static (long Free, long[] GroupFree, List<(long First, long Last)> FreeRanges) Dumpe2fs(string image)
    {
        var text = Tool.Run("dumpe2fs", image);
        var free = long.Parse(SuperFree().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        var groups = GroupFree().Matches(text).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
        var ranges = new List<(long, long)>();
        foreach (Match line in FreeList().Matches(text))
        {
            foreach (var part in line.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var bounds = part.Split('-');
                var first = long.Parse(bounds[0], CultureInfo.InvariantCulture);
                ranges.Add((first, bounds.Length > 1 ? long.Parse(bounds[1], CultureInfo.InvariantCulture) : first));
            }
        }

        return (free, groups, ranges);
    }

    /// <summary><c>mkntfs -F -Q -s 512 -c cluster</c> on a sparse file of <paramref name="bytes"/>, then copies <paramref name="files"/> in with ntfscp.</summary>
    public static void MakeNtfs(string image, long bytes, int cluster, params string[] files)
    {
        using (var f = File.Create(image))
        {
            f.SetLength(bytes);
        }

        Tool.Run("mkntfs", "-F", "-Q", "-s", "512", "-c", cluster.ToString(CultureInfo.InvariantCulture), image);
        foreach (var file in files)
        {
            Tool.Run("ntfscp", image, file, Path.GetFileName(file));
        }
    }

    /// <summary>"Volume Size in Clusters" and "Free Clusters" from <c>ntfsinfo -m</c>.</summary>
    public static (long Clusters, long Free) NtfsInfo(string image)
    {
        var text = Tool.Run("ntfsinfo", "-m", image);
        return (long.Parse(NtfsClusters().Match(text).Groups[1].Value, CultureInfo.InvariantCulture),
            long.Parse(NtfsFree().Match(text).Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Writes <paramref name="source"/> into <paramref name="disk"/> at <paramref name="offset"/> (dd conv=notrunc seek=...).</summary>
    public static void WriteAt(string disk, long offset, string source)
    {
        using var output = new FileStream(disk, FileMode.Open, FileAccess.Write);
        using var input = File.OpenRead(source);
        output.Position = offset;
        var buffer = new byte[1 << 20];
        int n;
        while ((n = input.Read(buffer)) > 0)
        {
            // Keep holes: skip all-zero blocks so the disk stays as sparse as the source.
            if (buffer.AsSpan(0, n).ContainsAnyExcept((byte)0))
            {
                output.Write(buffer, 0, n);
            }
            else
            {
                output.Position += n;
            }
        }
    }

    /// <summary>Creates a sparse file of <paramref name="bytes"/>.</summary>
    public static void CreateSparse(string path, long bytes)
    {
        using var f = File.Create(path);
        f.SetLength(bytes);
    }

    [GeneratedRegex(@"^Free blocks:\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex SuperFree();

    [GeneratedRegex(@"^\s+(\d+) free blocks,", RegexOptions.Multiline)]
    private static partial Regex GroupFree();

    [GeneratedRegex(@"^\s+Free blocks: ?(.*)$", RegexOptions.Multiline)]
    private static partial Regex FreeList();

    [GeneratedRegex(@"Volume Size in Clusters:\s+(\d+)")]
    private static partial Regex NtfsClusters();

    [GeneratedRegex(@"Free Clusters:\s+(\d+)")]
    private static partial Regex NtfsFree();
}
