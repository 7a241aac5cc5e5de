namespace WanAccel.Appliance.Protocols.Nfs;

/// <summary>What a reply needs from its call: the procedure, the file it is about, the READ offset, the name being looked up or created.</summary>
internal readonly record struct PendingCall(PendingCallKind Kind, UInt128 File, ulong Offset, string? Name);
