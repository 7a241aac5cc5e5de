namespace WanAccel.Appliance.FileTransfer;

/// <summary>Outcome codes carried by ERROR records (and the exit message of <c>wanaccel cp</c>).</summary>
public enum TransferStatus : byte
{
    Ok = 0,

    /// <summary>A malformed, oversized or unexpected record.</summary>
    ProtocolError = 1,

    /// <summary>The path does not exist (or names no export).</summary>
    NotFound = 2,

    /// <summary>The export does not allow this operation.</summary>
    PermissionDenied = 3,

    /// <summary>The path leaves its export (<c>..</c>, a symlink pointing outside).</summary>
    PathEscapes = 4,

    /// <summary>A file was expected and a directory found, or the reverse.</summary>
    WrongType = 5,

    /// <summary>The received file's SHA-256 differs from the sender's: nothing was renamed into place.</summary>
    VerificationFailed = 6,

    /// <summary>Reading or writing the file failed on that side.</summary>
    IoError = 7,

    /// <summary>The peer is not configured, not reachable, or serves no exports.</summary>
    PeerUnavailable = 8,
}
