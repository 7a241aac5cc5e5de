namespace WanAccel.Appliance.PeerLink;

/// <summary>Frame types of the peer link (docs/peer-link.md). Values are on the wire; never renumber.</summary>
internal enum PeerFrameType : byte
{
    /// <summary>Opens a channel; payload: opaque metadata from the application (destination etc.).</summary>
    Open = 1,

    /// <summary>Channel bytes; payload length counts against the receiver's window.</summary>
    Data = 2,

    /// <summary>Window update; payload: varint number of bytes the sender may send additionally.</summary>
    Credit = 3,

    /// <summary>Half-close: the sender will send no more DATA on the channel. Empty payload.</summary>
    Fin = 4,

    /// <summary>Aborts both directions; payload: varint <see cref="PeerResetCode"/> then a UTF-8 message.</summary>
    Reset = 5,

    /// <summary>Channel 0 only; payload: 8 opaque bytes that the PONG echoes.</summary>
    Ping = 6,

    /// <summary>Channel 0 only; payload: the 8 bytes of the PING answered.</summary>
    Pong = 7,
}
