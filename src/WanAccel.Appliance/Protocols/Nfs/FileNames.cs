namespace WanAccel.Appliance.Protocols.Nfs;

/// <summary>
/// Paths of the handles seen (the export root from MNT, then each LOOKUP/CREATE result), at most <see cref="Capacity"/>
/// entries of at most <see cref="MaxPathChars"/> characters: past that the table starts over, so names go back to bare
/// components rather than memory growing.
/// </summary>
internal sealed class FileNames
{
    public const int Capacity = 4096;
    public const int MaxPathChars = 4096;

    private readonly Dictionary<UInt128, string> _paths = [];

    public void Set(UInt128 handle, string path)
    {
        if (_paths.Count >= Capacity && !_paths.ContainsKey(handle))
        {
            _paths.Clear();
        }

        _paths[handle] = path;
    }

    /// <summary>The path of <paramref name="name"/> inside the directory <paramref name="directory"/>, as far as it is known.</summary>
    public string Child(UInt128 directory, string name)
    {
        if (!_paths.TryGetValue(directory, out var parent))
        {
            return name;
        }

        switch (name)
        {
            case ".":
                return parent;
            case "..":
                var cut = parent.TrimEnd('/').LastIndexOf('/');
                return cut <= 0 ? "/" : parent[..cut];
        }

        var path = parent.EndsWith('/') ? parent + name : parent + "/" + name;
        return path.Length <= MaxPathChars ? path : name;
    }
}
