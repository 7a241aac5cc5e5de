namespace WanAccel.Appliance.Protocols.Rpc;

/// <summary>
/// The header of an RPC REPLY (RFC 5531 §9 <c>reply_body</c>). <see cref="Success"/> is an accepted reply with
/// <c>accept_stat</c> SUCCESS: only then do procedure results follow, from <see cref="Length"/> on.
/// </summary>
internal readonly record struct RpcReplyHeader(uint Xid, bool Success, int Length)
{
    private const uint MsgAccepted = 0;
    private const uint MsgDenied = 1;
    private const uint AcceptSuccess = 0;

    /// <summary>Reads a REPLY header; false when the bytes end first or (<see cref="XdrReader.Malformed"/>) it is no reply.</summary>
    public static bool TryRead(ref XdrReader reader, out RpcReplyHeader header)
    {
        header = default;
        if (!reader.TryReadUInt32(out var xid) || !reader.TryReadUInt32(out var type))
        {
            return false;
        }

        if (type != (uint)RpcMessageType.Reply)
        {
            reader.Fail();
            return false;
        }

        if (!reader.TryReadUInt32(out var replyStat))
        {
            return false;
        }

        switch (replyStat)
        {
            case MsgDenied:
                // rejected_reply: no results follow; what it holds does not matter here.
                header = new RpcReplyHeader(xid, false, reader.Position);
                return true;
            case MsgAccepted:
                if (!reader.TryReadUInt32(out _) || !reader.TryReadOpaque(RpcCallHeader.MaxAuthBytes, out _) || !reader.TryReadUInt32(out var acceptStat))
                {
                    return false;
                }

                header = new RpcReplyHeader(xid, acceptStat == AcceptSuccess, reader.Position);
                return true;
            default:
                reader.Fail();
                return false;
        }
    }
}
