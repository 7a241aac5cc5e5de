namespace WanAccel.Appliance.FileTransfer;

/// <summary>The loopback entry point <c>wanaccel cp</c> connects to (off when <see cref="Listen"/> is empty).</summary>
public sealed record FileTransferOptions
{
    /// <summary>Address for local <c>wanaccel cp</c> clients, e.g. <c>127.0.0.1:7471</c>; empty (default) disables it.</summary>
    public string? Listen { get; init; }
}
