namespace WanAccel.Benchmarks.Classification;

/// <summary>Realistic input for compression and classification figures: the machine's own programs.</summary>
internal static class RealSample
{
    /// <summary>The first <paramref name="length"/> bytes of the files in /usr/bin concatenated (in name order), or of the runtime's core library where there is no /usr/bin.</summary>
    public static byte[] Binaries(int length)
    {
        var data = new byte[length];
        var filled = 0;
        string[] files = Directory.Exists("/usr/bin") ? [.. Directory.GetFiles("/usr/bin").Order(StringComparer.Ordinal)] : [typeof(object).Assembly.Location];
        foreach (var file in files)
        {
            if (filled == length)
            {
                break;
            }

            try
            {
                using var stream = File.OpenRead(file);
                filled += stream.ReadAtLeast(data.AsSpan(filled), length - filled, throwOnEndOfStream: false);
            }
            catch (IOException)
            {
                // Unreadable or vanished: skip it.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return data.AsSpan(0, filled).ToArray();
    }
}
