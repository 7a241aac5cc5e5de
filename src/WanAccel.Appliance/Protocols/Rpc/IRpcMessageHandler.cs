namespace WanAccel.Appliance.Protocols.Rpc;

/// <summary>Told by <see cref="RpcRecordStream"/> about each message (record) of one direction.</summary>
internal interface IRpcMessageHandler
{
    /// <summary>
    /// The message's first bytes (up to <see cref="RpcRecordStream.HeaderCapacity"/>; <paramref name="complete"/>
    /// when they are the whole message). On <see cref="MessageVerdict.Parsed"/>, <paramref name="payload"/> is the
    /// range of message bytes (an opaque's body) to report through <see cref="OnPayload"/>, or empty.
    /// </summary>
    MessageVerdict OnMessage(ReadOnlySpan<byte> header, bool complete, out (int Offset, int Length) payload, out string? stopReason);

    /// <summary>
    /// Payload bytes [<paramref name="payloadOffset"/>, +<paramref name="length"/>) are stream bytes
    /// [<paramref name="streamOffset"/>, +<paramref name="length"/>); called before those bytes are fed, or in the
    /// same feed call that holds them, once per fragment the payload spans.
    /// </summary>
    void OnPayload(long streamOffset, int payloadOffset, int length);
}
