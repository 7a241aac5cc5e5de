using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs.ReadAhead;

/// <summary>
/// What read-ahead needs of a client's CALL, read from its first bytes (the message without the record mark):
/// a READ (handle, offset, count, credential), a call that changes a file's data (WRITE, SETATTR, COMMIT: that handle),
/// one that changes names (REMOVE, RENAME: everything cached is dropped), or anything else.
/// </summary>
internal readonly ref struct ClientCall
{
    public ClientCallKind Kind { get; init; }

    public uint Xid { get; init; }

    public ReadOnlySpan<byte> Handle { get; init; }

    public ulong Offset { get; init; }

    public uint Count { get; init; }

    /// <summary>The credential (flavor word and opaque) when it is AUTH_SYS or AUTH_NONE, else empty: no read-ahead.</summary>
    public ReadOnlySpan<byte> Credential { get; init; }

    public static ClientCall Read(ReadOnlySpan<byte> message)
    {
        var reader = new XdrReader(message);
        if (!RpcCallHeader.TryRead(ref reader, out var call) || call.Program != NfsProgram.Nfs || call.Version != NfsProgram.Version3)
        {
            return default;
        }

        switch ((NfsProcedure)call.Procedure)
        {
            case NfsProcedure.Read when Read3Args.TryRead(ref reader, out var read):
                var credential = call.CredentialFlavor is RpcCallHeader.AuthSys or RpcCallHeader.AuthNone ? message[call.Credential] : default;
                return new ClientCall { Kind = ClientCallKind.Read, Xid = call.Xid, Handle = read.File, Offset = read.Offset, Count = read.Count, Credential = credential };
            case NfsProcedure.Write or NfsProcedure.SetAttr or NfsProcedure.Commit when NfsFileHandle.TryRead(ref reader, out var file):
                return new ClientCall { Kind = ClientCallKind.ChangesData, Xid = call.Xid, Handle = file };
            case NfsProcedure.Remove or NfsProcedure.Rename or NfsProcedure.Link:
                return new ClientCall { Kind = ClientCallKind.ChangesNames, Xid = call.Xid };
            default:
                return new ClientCall { Kind = ClientCallKind.Other, Xid = call.Xid };
        }
    }
}
