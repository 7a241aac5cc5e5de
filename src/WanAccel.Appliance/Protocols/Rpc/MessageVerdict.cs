namespace WanAccel.Appliance.Protocols.Rpc;

/// <summary>What an <see cref="IRpcMessageHandler"/> made of a message's first bytes.</summary>
internal enum MessageVerdict
{
    /// <summary>Not enough bytes yet: call again with more.</summary>
    NeedMore,

    /// <summary>Understood; the rest of the message (and its payload, if any) follows.</summary>
    Parsed,

    /// <summary>Not of interest or not understood: skip the rest of this record, then carry on.</summary>
    Skip,

    /// <summary>The stream cannot be RPC: stop following it.</summary>
    Stop,
}
