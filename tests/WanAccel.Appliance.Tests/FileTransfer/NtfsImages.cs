using WanAccel.Images.Containers;
using WanAccel.Images.Regions;

namespace WanAccel.Appliance.Tests.FileTransfer;

/// <summary>
/// A 64 MiB NTFS disk made by <c>mkntfs</c> and filled with <c>ntfscp</c>, with 6 MiB of random data written into
/// clusters its $Bitmap marks free (stale data, as deleted files leave), converted by <c>qemu-img</c>.
/// </summary>
internal static class NtfsImages
{
    public const long StaleBytes = 6 << 20;

    /// <summary>Builds the image; returns the files copied in (name → content).</summary>
    public static Dictionary<string, byte[]> Make(string directory, string format, string image)
    {
        var raw = Path.Combine(directory, "ntfs.raw");
        using (var file = File.Create(raw))
        {
            file.SetLength(64 << 20);
        }

        Tool.Run("mkntfs", ["-F", "-Q", "-s", "512", "-c", "4096", raw]);
        var random = new Random(21);
        var files = new Dictionary<string, byte[]>();
        foreach (var (name, size) in new[] { ("keep.bin", 3 << 20), ("notes.txt", 40_000), ("small.dat", 900) })
        {
            var data = new byte[size];
            random.NextBytes(data);
            var local = Path.Combine(directory, name);
            File.WriteAllBytes(local, data);
            Tool.Run("ntfscp", [raw, local, name]);
            files[name] = data;
        }

        WriteStale(raw, random);
        Tool.Run("qemu-img", ["convert", "-O", format, raw, image]);
        File.Delete(raw);
        return files;
    }

    /// <summary>Checks the copy: <c>ntfsfix -n</c> clean and every file identical (<c>ntfscat</c>).</summary>
    public static void AssertGuestIntact(string image, Dictionary<string, byte[]> files, string work)
    {
        var raw = Path.Combine(work, "ntfs-check.raw");
        Tool.Run("qemu-img", ["convert", "-O", "raw", image, raw]);
        Tool.Run("ntfsfix", ["-n", raw]);
        foreach (var (name, content) in files)
        {
            var output = Path.Combine(work, "cat-" + name);
            Tool.Run("sh", ["-c", $"ntfscat '{raw}' '{name}' > '{output}'"]);
            Assert.True(content.AsSpan().SequenceEqual(File.ReadAllBytes(output)), $"{name} differs");
            File.Delete(output);
        }

        File.Delete(raw);
    }

    private static void WriteStale(string raw, Random random)
    {
        List<(long Offset, long Length)> free;
        using (var disk = DiskImage.Open(raw))
        {
            free = [.. DiskRegionMap.Build(disk).Regions.Where(r => r.Kind is RegionKind.GuestFree or RegionKind.ContainerUnallocated)
                .Select(r => (r.Offset, r.Length))];
        }

        // Unallocated here means a hole of the sparse raw file inside the guest's free space: the same to NTFS.
        using var file = new FileStream(raw, FileMode.Open, FileAccess.Write);
        var block = new byte[64 * 1024];
        long written = 0;
        foreach (var (offset, length) in free.Where(r => r.Offset >= 8 << 20))
        {
            for (var at = offset; at + block.Length <= offset + length && written < StaleBytes; at += block.Length)
            {
                random.NextBytes(block);
                file.Position = at;
                file.Write(block);
                written += block.Length;
            }
        }

        Assert.Equal(StaleBytes, written);
    }
}
