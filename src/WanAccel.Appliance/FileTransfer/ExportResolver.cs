namespace WanAccel.Appliance.FileTransfer;

/// <summary>
/// Maps remote paths <c>/EXPORT/rel/path</c> onto the configured exports, refusing anything that could leave them:
/// <c>..</c> components, exports that do not exist, missing permission, and symlinks whose target is outside the export
/// (the real path of the deepest existing ancestor must lie inside the export's real path). A path is checked when it
/// is resolved; a symlink swapped in afterwards by someone with write access to the export is out of scope.
/// </summary>
internal sealed class ExportResolver(IReadOnlyList<ExportOptions> exports)
{
    /// <summary>Longest remote path accepted (bytes of UTF-8 are bounded again by the wire format).</summary>
    public const int MaxPathLength = 4096;

    public bool IsEmpty => exports.Count == 0;

    public ResolvedPath Resolve(string remotePath, ExportAccess need)
    {
        if (remotePath.Length == 0 || remotePath.Length > MaxPathLength || remotePath.Contains('\0', StringComparison.Ordinal))
        {
            throw new FileTransferException(TransferStatus.NotFound, $"'{remotePath}': not a valid remote path");
        }

        var parts = remotePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Contains(".."))
        {
            throw new FileTransferException(TransferStatus.PathEscapes, $"'{remotePath}': '..' is not allowed in remote paths");
        }

        if (parts.Length == 0)
        {
            throw new FileTransferException(TransferStatus.NotFound, $"'{remotePath}': name an export ({Names()})");
        }

        var export = exports.FirstOrDefault(e => string.Equals(e.Name, parts[0], StringComparison.Ordinal))
            ?? throw new FileTransferException(TransferStatus.NotFound, $"'{remotePath}': no export named '{parts[0]}' ({Names()})");
        if ((export.Access & need) != need)
        {
            var verb = need == ExportAccess.Write ? "writable" : "readable";
            throw new FileTransferException(TransferStatus.PermissionDenied, $"'{remotePath}': export '{export.Name}' is not {verb} (Access {export.Access})");
        }

        var root = NativeFile.RealPath(export.Path)
            ?? throw new FileTransferException(TransferStatus.NotFound, $"'{remotePath}': export '{export.Name}' has no directory on the far side");
        var resolved = new ResolvedPath(export, parts.Length == 1 ? export.Path : Path.Combine([export.Path, .. parts[1..]]), root);
        CheckContained(resolved, remotePath);
        return resolved;
    }

    /// <summary>Checks (again) that <paramref name="path"/> stays inside its export; call after creating components.</summary>
    public static void CheckContained(ResolvedPath path, string shownAs)
    {
        // The deepest existing ancestor decides: every component below it is created by us, inside it.
        var probe = path.FullPath;
        while (!Path.Exists(probe) && new FileInfo(probe).LinkTarget is null)
        {
            probe = Path.GetDirectoryName(probe) ?? path.Root;
        }

        var real = NativeFile.RealPath(probe);
        if (real is null)
        {
            // A dangling symlink: where it would lead cannot be checked, so it is refused.
            throw new FileTransferException(TransferStatus.PathEscapes, $"'{shownAs}': a symbolic link on the way cannot be resolved");
        }

        if (real != path.Root && !real.StartsWith(path.Root.TrimEnd('/') + "/", StringComparison.Ordinal))
        {
            throw new FileTransferException(TransferStatus.PathEscapes, $"'{shownAs}': a symbolic link leads outside export '{path.Export.Name}'");
        }
    }

    private string Names() => exports.Count == 0 ? "none configured" : "exports: " + string.Join(", ", exports.Select(e => e.Name));
}
