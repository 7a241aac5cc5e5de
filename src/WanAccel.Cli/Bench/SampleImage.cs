namespace WanAccel.Cli.Bench;

/// <summary>
/// Builds a disk-like sample when the user gives no input: real files from this machine (binaries, libraries, text)
/// laid out in 1 MiB-aligned extents like a file system, some of them twice (as in a guest that keeps copies),
/// separated by unwritten (zero) space. Falls back to generated text and noise where /usr has too little.
/// </summary>
internal static class SampleImage
{
    private const int Alignment = 1 << 20;

    public static void Generate(string path, long size)
    {
        var rng = new Random(20_101);
        using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        output.SetLength(size);
        long position = 0;
        var sources = SourceFiles().GetEnumerator();
        var recent = new List<byte[]>();
        while (position < size)
        {
            byte[] content;
            var pick = rng.Next(10);
            if (pick < 2 && recent.Count > 0)
            {
                content = recent[rng.Next(recent.Count)]; // a duplicate of an earlier file
            }
            else if (pick < 8 && sources.MoveNext())
            {
                content = sources.Current;
                recent.Add(content);
                if (recent.Count > 32)
                {
                    recent.RemoveAt(0);
                }
            }
            else
            {
                content = Generated(rng, rng.Next(64, 2048) * 1024);
            }

            var n = (int)Math.Min(content.Length, size - position);
            output.Position = position;
            output.Write(content, 0, n);
            position += n;

            // Free space between files: 0-4 MiB of zeros, then the next 1 MiB boundary.
            position += rng.Next(0, 5) * (long)Alignment;
            position = (position + Alignment - 1) / Alignment * Alignment;
        }
    }

    private static IEnumerable<byte[]> SourceFiles()
    {
        string[] roots = ["/usr/lib", "/usr/bin", "/usr/share/doc", "/usr/share/dotnet", "/usr/share"];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots.Where(Directory.Exists))
        {
            IEnumerable<string> files;
            try
            {
                files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint })
                    .Order(StringComparer.Ordinal).ToList();
            }
            catch (IOException)
            {
                continue;
            }

            foreach (var file in files)
            {
                byte[]? bytes = null;
                try
                {
                    var length = new FileInfo(file).Length;
                    if (length is >= 4096 and <= 64 << 20 && seen.Add(file))
                    {
                        bytes = File.ReadAllBytes(file);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }

                if (bytes is not null)
                {
                    yield return bytes;
                }
            }
        }
    }

    private static byte[] Generated(Random rng, int length)
    {
        var data = new byte[length];
        if (rng.Next(2) == 0)
        {
            rng.NextBytes(data);
            return data;
        }

        ReadOnlySpan<string> words = ["block", "sector", "volume", "inode", "extent", "journal", "superblock", "\n", "0x0000", "kernel", "driver"];
        var p = 0;
        while (p < length)
        {
            var w = words[rng.Next(words.Length)];
            for (var i = 0; i < w.Length && p < length; i++)
            {
                data[p++] = (byte)w[i];
            }

            if (p < length)
            {
                data[p++] = (byte)' ';
            }
        }

        return data;
    }
}
