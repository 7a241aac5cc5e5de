using WanAccel.Images.Containers.Shared;

namespace WanAccel.Images.Containers;

/// <summary>
/// State shared while opening a chain of images: detects cycles of parents/backing files and bounds the chain depth.
/// </summary>
internal sealed class ImageOpenContext
{
    /// <summary>Deepest chain accepted (qemu itself refuses far shorter chains in practice).</summary>
    public const int MaxChainDepth = 64;

    private readonly HashSet<string> _open = new(StringComparer.Ordinal);

    public int Depth => _open.Count;

    /// <summary>Opens a parent/backing file by path (resolved relative to <paramref name="childPath"/>), as any format.</summary>
    public IVirtualDisk OpenParent(string childPath, string parentPath)
        => DiskImage.Open(ResolveFile(childPath, parentPath, "parent/backing file"), this);

    /// <summary>
    /// Resolves a file named inside <paramref name="childPath"/> (relative to its directory) and checks that it is a
    /// regular file before anyone opens it: <see cref="ImageError.MissingFile"/> when absent or a directory,
    /// <see cref="ImageError.Unsupported"/> for a FIFO or device (opening a FIFO blocks forever).
    /// </summary>
    public static string ResolveFile(string childPath, string name, string what)
    {
        var resolved = Path.IsPathRooted(name)
            ? name
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(childPath)) ?? ".", name);
        if (name.Length == 0 || !File.Exists(resolved))
        {
            throw new ImageFormatException(ImageError.MissingFile, $"{childPath}: {what} '{name}' not found (looked at {resolved})");
        }

        if (!RegularFile.Is(resolved))
        {
            throw new ImageFormatException(ImageError.Unsupported, $"{childPath}: {what} '{name}' is not a regular file ({resolved})");
        }

        return resolved;
    }

    internal void Enter(string path)
    {
        var full = Path.GetFullPath(path);
        if (_open.Count >= MaxChainDepth)
        {
            throw new ImageFormatException(ImageError.LimitExceeded, $"{path}: chain of parents deeper than {MaxChainDepth}");
        }

        if (!_open.Add(full))
        {
            throw new ImageFormatException(ImageError.Loop, $"{path}: cycle in the chain of parents/backing files");
        }
    }
}
