using System.Buffers;
using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs;

/// <summary>
/// Passive parser of an ONC-RPC connection carrying NFSv3 (program 100003) or MOUNT v3 (100005) over TCP (RFC 1813,
/// RFC 5531): names files from MNT, LOOKUP and CREATE replies, reports READ reply and WRITE call payloads as file
/// data, and COMMIT replies as closes. Everything else is skipped record by record; a stream whose framing is not RPC
/// stops it. Payloads are never copied: only each message's first ≤ 1 KiB is.
/// </summary>
internal sealed partial class NfsParser : IProtocolParser
{
    private readonly IProtocolEvents _events;
    private readonly Lock _lock = new();
    private readonly RpcRecordStream _calls;
    private readonly RpcRecordStream _replies;
    private readonly PendingCalls _pending = new();
    private readonly FileNames _names = new();
    private volatile bool _stopped;

    public NfsParser(IProtocolEvents events)
    {
        _events = events;
        _calls = new RpcRecordStream(new CallSide(this));
        _replies = new RpcRecordStream(new ReplySide(this));
    }

    public string Protocol => "nfs";

    public bool Stopped => _stopped;

    public void Feed(StreamDirection direction, ReadOnlySequence<byte> data)
    {
        lock (_lock)
        {
            var stream = direction == StreamDirection.ToServer ? _calls : _replies;
            foreach (var segment in data)
            {
                if (_stopped)
                {
                    return;
                }

                if (stream.Feed(segment.Span) is { } reason)
                {
                    _stopped = true;
                    _events.ParserStopped(reason);
                }
            }
        }
    }

    /// <summary>The first message of a direction that is not RPC means the connection is not; later ones are skipped.</summary>
    private static MessageVerdict Unreadable(in XdrReader reader, RpcRecordStream stream, string what, out string? stopReason)
    {
        stopReason = null;
        if (!reader.Malformed)
        {
            return MessageVerdict.NeedMore;
        }

        if (stream.Records == 0)
        {
            stopReason = $"the first {what} is not ONC-RPC";
            return MessageVerdict.Stop;
        }

        return MessageVerdict.Skip;
    }

    private static string Text(ReadOnlySpan<byte> bytes) => System.Text.Encoding.UTF8.GetString(bytes);
}
