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
    {
        var resolved = Path.IsPathRooted(parentPath)
            ? parentPath
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(childPath)) ?? ".", parentPath);
        if (!File.Exists(resolved))
        {
            throw new ImageFormatException(ImageError.MissingFile, $"{childPath}: parent/backing file '{parentPath}' not found (looked at {resolved})");
        }

        return DiskImage.Open(resolved, this);
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
