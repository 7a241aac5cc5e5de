namespace WanAccel.Images.Containers.Shared;

/// <summary>
/// Turns the parent paths a differencing image records (Windows relative/absolute paths, file URLs) into a local
/// file that exists. Shared by VHD and VHDX; Windows drive paths cannot exist on Linux, so their file name is
/// also tried next to the child (where copied chains normally sit).
/// </summary>
internal static class ParentPathResolver
{
    /// <summary>Longest recorded path accepted (characters); Windows' own limit is 32,767.</summary>
    public const int MaxPathChars = 32 * 1024;

    /// <summary>Returns the first candidate that exists, as a full path; throws <see cref="ImageError.MissingFile"/> when none does.</summary>
    public static string Resolve(string childPath, IEnumerable<(string Kind, string Value)> recorded)
    {
        var childDir = Path.GetDirectoryName(Path.GetFullPath(childPath)) ?? ".";
        var tried = new List<string>();
        foreach (var (kind, value) in recorded)
        {
            foreach (var candidate in Candidates(kind, value))
            {
                var full = Path.IsPathRooted(candidate) ? candidate : Path.Combine(childDir, candidate);
                tried.Add(full);
                // Length ≥ 512 skips stubs and (st_size 0) FIFOs/devices to the next candidate; ImageOpenContext.ResolveFile refuses those outright.
                if (File.Exists(full) && new FileInfo(full).Length >= 512)
                {
                    return Path.GetFullPath(full);
                }
            }
        }

        throw new ImageFormatException(
            ImageError.MissingFile,
            tried.Count == 0
                ? $"{childPath}: differencing image records no usable parent path"
                : $"{childPath}: parent not found (tried {string.Join(", ", tried.Take(8))})");
    }

    private static IEnumerable<string> Candidates(string kind, string value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxPathChars || value.Contains('\0', StringComparison.Ordinal))
        {
            yield break;
        }

        if (kind == "url")
        {
            if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.IsFile)
            {
                yield return uri.LocalPath;
                yield return Path.GetFileName(uri.LocalPath);
            }

            yield break;
        }

        var p = value.StartsWith(@"\\?\", StringComparison.Ordinal) ? value[4..] : value;
        var isDrivePath = p.Length >= 3 && char.IsAsciiLetter(p[0]) && p[1] == ':' && (p[2] == '\\' || p[2] == '/');
        if (isDrivePath && !OperatingSystem.IsWindows())
        {
            yield return LastSegment(p);
            yield break;
        }

        var local = OperatingSystem.IsWindows() ? p : p.Replace('\\', '/');
        yield return local;
        if (kind == "absolute")
        {
            yield return LastSegment(p);
        }
    }

    private static string LastSegment(string p) => p[(p.LastIndexOfAny(['\\', '/']) + 1)..];
}
