namespace WanAccel.Appliance.Protocols.Rpc;

/// <summary><c>msg_type</c> of an RPC message (RFC 5531 §9); no other value is defined.</summary>
internal enum RpcMessageType : uint
{
    Call = 0,
    Reply = 1,
}
