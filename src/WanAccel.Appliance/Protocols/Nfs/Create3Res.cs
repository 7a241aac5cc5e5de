using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs;

/// <summary><c>CREATE3res</c> (RFC 1813 §3.3.8): when NFS3_OK, a <c>post_op_fh3</c> (bool, then the new handle) comes first.</summary>
internal static class Create3Res
{
    /// <summary>The created handle, empty when the server did not return one or the status is an error.</summary>
    public static bool TryRead(scoped ref XdrReader reader, out uint status, out ReadOnlySpan<byte> handle)
    {
        handle = default;
        if (!reader.TryReadUInt32(out status))
        {
            return false;
        }

        if (status != NfsProgram.Ok)
        {
            return true;
        }

        return reader.TryReadBool(out var follows) && (!follows || NfsFileHandle.TryRead(ref reader, out handle));
    }
}
