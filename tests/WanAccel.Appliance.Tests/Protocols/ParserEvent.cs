using WanAccel.Appliance.Protocols;

namespace WanAccel.Appliance.Tests.Protocols;

/// <summary>One <see cref="IProtocolEvents"/> call, as a value (records compare field by field).</summary>
internal abstract record ParserEvent
{
    internal sealed record Opened(UInt128 File, string Name) : ParserEvent;

    internal sealed record Data(UInt128 File, FileDataKind Kind, StreamDirection Direction, long StreamOffset, long FileOffset, int Length) : ParserEvent;

    internal sealed record Closed(UInt128 File) : ParserEvent;

    internal sealed record Encrypted(StreamDirection Direction) : ParserEvent;

    internal sealed record Stopped(string Reason) : ParserEvent;
}
