using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs;

/// <summary><c>mountres3</c> (RFC 1813 §5.2.1): <c>fhs_status</c>, then when MNT3_OK the export's root handle.</summary>
internal static class MountRes3
{
    /// <summary>MNTPATHLEN: a <c>dirpath</c> is at most 1024 bytes.</summary>
    public const int MaxPath = 1024;

    public static bool TryRead(scoped ref XdrReader reader, out uint status, out ReadOnlySpan<byte> handle)
    {
        handle = default;
        return reader.TryReadUInt32(out status) && (status != NfsProgram.Ok || NfsFileHandle.TryRead(ref reader, out handle));
    }
}
