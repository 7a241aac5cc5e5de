namespace WanAccel.Appliance.FileTransfer;

/// <summary>A remote path mapped into an export: the local <paramref name="FullPath"/> and the export's canonical root.</summary>
internal sealed record ResolvedPath(ExportOptions Export, string FullPath, string Root)
{
    /// <summary>The same export, one more component below <see cref="FullPath"/> (checked by the caller's resolver).</summary>
    public ResolvedPath Child(string name) => this with { FullPath = Path.Combine(FullPath, name) };
}
