using System.Security.Cryptography;
using WanAccel.Appliance.Tests.Hosting;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>Directory trees for file-copy tests: built from real files, compared entry by entry (content hash, link target).</summary>
internal static class FileTree
{
    private const string Docs = "/usr/share/doc";

    /// <summary>
    /// Builds a tree of about <paramref name="docBytes"/> of real files from /usr/share/doc (gzip'd changelogs that do
    /// not compress, plain copyright texts that repeat across packages), plus <c>disk.img</c>, a generated
    /// sparse-ish binary of zero runs, random and text blocks, a symbolic link to it and an empty directory.
    /// </summary>
    public static void Create(string root, long docBytes, int imageBytes)
    {
        Directory.CreateDirectory(root);
        long copied = 0;
        foreach (var file in Directory.EnumerateFiles(Docs, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(file);
            if (info.LinkTarget is not null || info.Length > docBytes / 4)
            {
                continue;
            }

            var target = Path.Combine(root, "doc", Path.GetRelativePath(Docs, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            info.CopyTo(target);
            copied += info.Length;
            if (copied >= docBytes)
            {
                break;
            }
        }

        File.WriteAllBytes(Path.Combine(root, "disk.img"), TestPayload.Create(imageBytes, seed: 7));
        File.CreateSymbolicLink(Path.Combine(root, "latest.img"), "disk.img");
        Directory.CreateDirectory(Path.Combine(root, "empty"));
    }

    /// <summary>A second version of the tree: one file appended to, 4 KiB rewritten inside the image, one file added, one removed.</summary>
    public static void Modify(string root)
    {
        var files = Directory.EnumerateFiles(Path.Combine(root, "doc"), "copyright", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        File.AppendAllText(files[0], "\nChanged by the second push.\n");
        File.Delete(files[^1]);
        using (var image = File.OpenWrite(Path.Combine(root, "disk.img")))
        {
            image.Position = image.Length / 2;
            image.Write(TestPayload.Create(4096, seed: 8));
        }

        File.WriteAllBytes(Path.Combine(root, "doc", "added.bin"), TestPayload.Create(100_000, seed: 9));
    }

    /// <summary>Every entry under <paramref name="root"/>: relative path → "dir", "link → target" or the file's size and SHA-256.</summary>
    public static SortedDictionary<string, string> Snapshot(string root)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            var path = Path.GetRelativePath(root, entry.FullName);
            entries[path] = entry switch
            {
                { LinkTarget: { } target } => $"link → {target}",
                DirectoryInfo => "dir",
                FileInfo file => $"{file.Length} {Hash(file.FullName)}",
                _ => "?",
            };
        }

        return entries;
    }

    /// <summary>Asserts that both trees hold the same entries with the same contents, naming the entries that differ.</summary>
    public static void AssertSame(string expected, string actual)
    {
        var want = Snapshot(expected);
        var got = Snapshot(actual);
        var differences = want.Keys.Union(got.Keys)
            .Where(k => !want.TryGetValue(k, out var w) || !got.TryGetValue(k, out var g) || w != g)
            .Select(k => $"{k}: expected {want.GetValueOrDefault(k, "nothing")}, got {got.GetValueOrDefault(k, "nothing")}")
            .ToList();
        Assert.True(differences.Count == 0, $"{differences.Count} of {want.Count} entries differ:\n{string.Join('\n', differences.Take(20))}");
    }

    /// <summary>Sum of the regular files' sizes.</summary>
    public static long Bytes(string root) =>
        new DirectoryInfo(root).EnumerateFiles("*", SearchOption.AllDirectories).Where(f => f.LinkTarget is null).Sum(f => f.Length);

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
