using System.Buffers;

namespace WanAccel.Appliance.Protocols;

/// <summary>
/// A passive parser of one intercepted connection (SMB2, ONC-RPC/NFSv3, HTTP/1.1). It sees every byte of both
/// directions, in order, exactly as they pass; it never alters, delays or buffers the stream itself, and reports what it
/// understands to its <see cref="IProtocolEvents"/>. All input is hostile: a parser that meets anything it does not
/// understand reports <see cref="IProtocolEvents.ParserStopped"/> once and ignores the rest of the connection (the
/// flow carries on in plain byte mode); it never throws and never allocates in proportion to untrusted lengths.
/// </summary>
/// <remarks>
/// The two directions are fed from different threads; implementations serialise <see cref="Feed"/> themselves. A
/// request is always fed before its response (the response is caused by it). Stream offsets in events count from the
/// first byte of that direction (the first byte fed for it is offset 0).
/// </remarks>
internal interface IProtocolParser
{
    /// <summary>Protocol label (<c>smb</c>, <c>nfs</c>, <c>http</c>).</summary>
    string Protocol { get; }

    /// <summary>True once the parser gave up on this connection; <see cref="Feed"/> then returns at once.</summary>
    bool Stopped { get; }

    /// <summary>The next bytes of <paramref name="direction"/>. The sequence is only valid during the call.</summary>
    void Feed(StreamDirection direction, ReadOnlySequence<byte> data);
}
