namespace WanAccel.Appliance.Protocols.Rpc;

/// <summary>
/// The header of an RPC CALL (RFC 5531 §9 <c>call_body</c>): xid, <c>rpcvers</c> = 2, program, version, procedure,
/// credential and verifier (each <c>opaque_auth</c>: a flavor and at most 400 bytes). <see cref="Credential"/> is the
/// credential's range in the message (its flavor word included), <see cref="Length"/> where the arguments start.
/// </summary>
internal readonly record struct RpcCallHeader(uint Xid, uint Program, uint Version, uint Procedure, uint CredentialFlavor, Range Credential, int Length)
{
    /// <summary>RFC 5531 §8.2: the body of an <c>opaque_auth</c> is at most 400 bytes.</summary>
    public const int MaxAuthBytes = 400;

    public const uint AuthNone = 0;
    public const uint AuthSys = 1;

    /// <summary>
    /// Reads a CALL header. False when the bytes end first, or (with <see cref="XdrReader.Malformed"/> set) when it is
    /// not a CALL of RPC version 2 or an auth body is over 400 bytes.
    /// </summary>
    public static bool TryRead(ref XdrReader reader, out RpcCallHeader header)
    {
        header = default;
        if (!reader.TryReadUInt32(out var xid) || !reader.TryReadUInt32(out var type))
        {
            return false;
        }

        if (type != (uint)RpcMessageType.Call)
        {
            reader.Fail();
            return false;
        }

        if (!reader.TryReadUInt32(out var rpcVersion) || !reader.TryReadUInt32(out var program)
            || !reader.TryReadUInt32(out var version) || !reader.TryReadUInt32(out var procedure))
        {
            return false;
        }

        if (rpcVersion != 2)
        {
            reader.Fail();
            return false;
        }

        var credentialStart = reader.Position;
        if (!reader.TryReadUInt32(out var flavor) || !reader.TryReadOpaque(MaxAuthBytes, out _))
        {
            return false;
        }

        var credentialEnd = reader.Position;
        if (!reader.TryReadUInt32(out _) || !reader.TryReadOpaque(MaxAuthBytes, out _))
        {
            return false;
        }

        header = new RpcCallHeader(xid, program, version, procedure, flavor, credentialStart..credentialEnd, reader.Position);
        return true;
    }
}
