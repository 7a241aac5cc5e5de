namespace WanAccel.Appliance.Tests.FileTransfer;

/// <summary>
/// A 48 MiB ext4 disk made by <c>mkfs.ext4 -d</c> from real files, with 6 MiB of random data deleted by
/// <c>debugfs -w rm</c> (free in the guest, still stored), converted by <c>qemu-img convert</c> to a VM image format.
/// </summary>
internal static class Ext4Images
{
    public const long StaleBytes = 6 << 20;

    /// <summary>Builds the guest tree (returned) and the image <paramref name="image"/> in <paramref name="format"/>.</summary>
    public static string Make(string directory, string format, string image)
    {
        var tree = Path.Combine(directory, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "doc"));
        var copied = 0;
        foreach (var file in Directory.EnumerateFiles("/usr/share/doc", "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (new FileInfo(file).LinkTarget is not null || copied >= 300)
            {
                continue;
            }

            File.Copy(file, Path.Combine(tree, "doc", $"{copied++}-{Path.GetFileName(file)}"));
        }

        var random = new Random(11);
        var keep = new byte[3 << 20];
        random.NextBytes(keep);
        File.WriteAllBytes(Path.Combine(tree, "keep.bin"), keep);
        var stale = new byte[StaleBytes];
        random.NextBytes(stale);
        File.WriteAllBytes(Path.Combine(tree, "stale.bin"), stale);
        var raw = Path.Combine(directory, "disk.raw");
        Tool.Run("mkfs.ext4", ["-q", "-F", "-d", tree, raw, "48M"]);
        Tool.Run("debugfs", ["-w", "-R", "rm /stale.bin", raw]);
        File.Delete(Path.Combine(tree, "stale.bin"));
        Tool.Run("qemu-img", ["convert", "-O", format, raw, image]);
        File.Delete(raw);
        return tree;
    }

    /// <summary>
    /// Checks that <paramref name="image"/> is a valid image of the guest <paramref name="tree"/>: same virtual size as
    /// <paramref name="original"/>, <c>e2fsck -fn</c> clean, and every file identical (<c>debugfs rdump</c>).
    /// </summary>
    public static void AssertGuestIntact(string image, string original, string tree, string work)
    {
        Assert.Equal(VirtualSize(original), VirtualSize(image));
        var raw = Path.Combine(work, "check.raw");
        Tool.Run("qemu-img", ["convert", "-O", "raw", image, raw]);
        Tool.Run("e2fsck", ["-fn", raw], out var fsck, check: false);
        Assert.Equal(0, fsck);
        var dump = Path.Combine(work, "dump");
        Directory.CreateDirectory(dump);
        Tool.Run("debugfs", ["-R", $"rdump / {dump}", raw]);
        var expected = Directory.EnumerateFiles(tree, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(tree, f)).Order().ToList();
        var actual = Directory.EnumerateFiles(dump, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dump, f)).Order().ToList();
        Assert.Equal(expected, actual);
        foreach (var file in expected)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(tree, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dump, file))), $"{file} differs");
        }

        Directory.Delete(dump, recursive: true);
        File.Delete(raw);
    }

    private static string VirtualSize(string image)
    {
        var info = Tool.Run("qemu-img", ["info", "--output=json", image]);
        var json = System.Text.Json.JsonDocument.Parse(info);
        return json.RootElement.GetProperty("virtual-size").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) + " " +
            json.RootElement.GetProperty("format").GetString();
    }
}
