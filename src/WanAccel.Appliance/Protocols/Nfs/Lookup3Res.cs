using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs;

/// <summary><c>LOOKUP3res</c> (RFC 1813 §3.3.3): when NFS3_OK, the <c>object</c> handle comes first.</summary>
internal static class Lookup3Res
{
    /// <summary>The looked-up handle; false when the reply is cut short, an error (<paramref name="status"/> ≠ 0) gives an empty handle.</summary>
    public static bool TryRead(scoped ref XdrReader reader, out uint status, out ReadOnlySpan<byte> handle)
    {
        handle = default;
        return reader.TryReadUInt32(out status) && (status != NfsProgram.Ok || NfsFileHandle.TryRead(ref reader, out handle));
    }
}
