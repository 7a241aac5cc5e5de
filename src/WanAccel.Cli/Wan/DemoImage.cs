using System.Diagnostics;

namespace WanAccel.Cli.Wan;

/// <summary>
/// The demo's VM disk image: an ext4 file system built with <c>mkfs.ext4 -d</c> from real files of this machine
/// (libraries, programs, documentation) filling about 60% of it, like a guest disk; without e2fsprogs, a generated
/// disk-like image (<see cref="Bench.SampleImage"/>).
/// </summary>
internal static class DemoImage
{
    public static string Build(string directory, long size, Action<string> say)
    {
        var image = Path.Combine(directory, "demo-disk.img");
        var staging = Directory.CreateDirectory(Path.Combine(directory, "guest-files")).FullName;
        try
        {
            var copied = CopySystemFiles(staging, size * 6 / 10);
            string? error = null;
            if (copied > 0 && TryMkfs(staging, image, size, out error))
            {
                say($"built a {size >> 20} MiB ext4 disk image holding {copied >> 20} MiB of this machine's files (mkfs.ext4 -d)");
                return image;
            }

            say("mkfs.ext4 not available" + (error is null ? "" : $" ({error})") + "; generating a disk-like image instead");
            Bench.SampleImage.Generate(image, size);
            return image;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private static long CopySystemFiles(string staging, long budget)
    {
        long copied = 0;
        var n = 0;
        foreach (var root in (ReadOnlySpan<string>)["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/bin", "/usr/share/doc", "/usr/lib"])
        {
            if (!Directory.Exists(root))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint }).Order(StringComparer.Ordinal))
            {
                try
                {
                    var length = new FileInfo(file).Length;
                    if (length is < 1024 or > 8 << 20 || copied + length > budget)
                    {
                        continue;
                    }

                    File.Copy(file, Path.Combine(staging, $"{n++:D6}-{Path.GetFileName(file)}"));
                    copied += length;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }

                if (copied > budget - (64 << 10))
                {
                    return copied;
                }
            }
        }

        return copied;
    }

    private static bool TryMkfs(string source, string image, long size, out string? error)
    {
        error = null;
        try
        {
            using var mkfs = Process.Start(new ProcessStartInfo("mkfs.ext4", ["-q", "-F", "-b", "4096", "-d", source, image, $"{size >> 10}k"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            var stderr = mkfs.StandardError.ReadToEndAsync();
            mkfs.StandardOutput.ReadToEnd();
            mkfs.WaitForExit();
            error = mkfs.ExitCode == 0 ? null : stderr.Result.Trim();
            return mkfs.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            error = e.Message;
            return false;
        }
    }
}
