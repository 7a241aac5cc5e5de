namespace WanAccel.Appliance.FileTransfer;

/// <summary>
/// A directory this appliance serves to its peers for <c>wanaccel cp</c>: remote paths are <c>/Name/relative/path</c>
/// and never leave <see cref="Path"/> (<c>..</c> and symlinks pointing outside are refused).
/// </summary>
public sealed record ExportOptions
{
    /// <summary>First component of remote paths, e.g. <c>images</c> for <c>dc:/images/vm.vhdx</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>Absolute path of the exported directory on this host.</summary>
    public string Path { get; init; } = "";

    /// <summary>Read (pull only), Write (push only) or ReadWrite (default Read).</summary>
    public ExportAccess Access { get; init; } = ExportAccess.Read;
}
