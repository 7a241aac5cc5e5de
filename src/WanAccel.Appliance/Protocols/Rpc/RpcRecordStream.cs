namespace WanAccel.Appliance.Protocols.Rpc;

/// <summary>
/// One direction of an ONC-RPC connection, fed in arbitrary pieces: strips the record marks, gives each message's first
/// bytes (defragmented, at most <see cref="HeaderCapacity"/>) to an <see cref="IRpcMessageHandler"/>, maps the payload
/// the handler names onto stream offsets, and skips the rest of each record by counting. Memory is fixed: one header
/// buffer and a few fragment positions, whatever lengths the stream claims.
/// </summary>
internal sealed class RpcRecordStream(IRpcMessageHandler handler)
{
    /// <summary>Enough for any CALL or REPLY header with 400-byte credential and verifier plus NFSv3 READ/WRITE/LOOKUP/CREATE fields (~930 bytes).</summary>
    public const int HeaderCapacity = 1024;

    /// <summary>A record longer than this is not NFS (1 MiB READs and WRITEs are the usual maximum).</summary>
    public const long MaxRecordBytes = 64L << 20;

    /// <summary>Fragments remembered while a header is collected; a header spread over more is skipped.</summary>
    private const int MaxHeaderFragments = 8;

    private readonly byte[] _header = new byte[HeaderCapacity];
    private readonly (long MessageStart, long StreamStart, int Length)[] _fragments = new (long, long, int)[MaxHeaderFragments];
    private readonly byte[] _mark = new byte[RecordMark.Length];
    private int _markHave;
    private long _fragmentLeft;
    private bool _inFragment;
    private bool _lastFragment;
    private long _messagePosition;
    private int _headerHave;
    private int _fragmentCount;
    private State _state = State.Header;
    private long _payloadStart;
    private long _payloadEnd;

    private enum State
    {
        Header,
        Body,
        Skip,
    }

    /// <summary>Stream bytes fed so far.</summary>
    public long Position { get; private set; }

    /// <summary>Records that ended so far.</summary>
    public long Records { get; private set; }

    /// <summary>Feeds the next bytes; returns why the stream is not RPC (then stop feeding), or null.</summary>
    public string? Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (!_inFragment)
            {
                var take = Math.Min(RecordMark.Length - _markHave, data.Length);
                data[..take].CopyTo(_mark.AsSpan(_markHave));
                (_markHave, Position) = (_markHave + take, Position + take);
                data = data[take..];
                if (_markHave == RecordMark.Length && StartFragment() is { } error)
                {
                    return error;
                }

                continue;
            }

            var n = (int)Math.Min(data.Length, _fragmentLeft);
            if (_state == State.Header)
            {
                n = Math.Min(n, HeaderCapacity - _headerHave);
                data[..n].CopyTo(_header.AsSpan(_headerHave));
                _headerHave += n;
            }

            (Position, _messagePosition, _fragmentLeft) = (Position + n, _messagePosition + n, _fragmentLeft - n);
            data = data[n..];
            var recordEnds = _fragmentLeft == 0 && _lastFragment;
            if (_state == State.Header && Header(recordEnds) is { } stop)
            {
                return stop;
            }

            if (_fragmentLeft == 0)
            {
                _inFragment = false;
                if (recordEnds && EndRecord() is { } error)
                {
                    return error;
                }
            }
        }

        return null;
    }

    private string? StartFragment()
    {
        _markHave = 0;
        var (last, length) = RecordMark.Decode(_mark);
        if (_messagePosition + length > MaxRecordBytes)
        {
            return $"an RPC record is longer than {MaxRecordBytes} bytes";
        }

        (_inFragment, _lastFragment, _fragmentLeft) = (true, last, length);
        switch (_state)
        {
            case State.Header when _fragmentCount == MaxHeaderFragments:
                _state = State.Skip;
                break;
            case State.Header:
                _fragments[_fragmentCount++] = (_messagePosition, Position, length);
                break;
            case State.Body:
                Report(_messagePosition, Position, length);
                break;
        }

        if (length == 0)
        {
            _inFragment = false;
            if (last)
            {
                return _state == State.Header && Header(recordEnds: true) is { } stop ? stop : EndRecord();
            }
        }

        return null;
    }

    private string? Header(bool recordEnds)
    {
        var verdict = handler.OnMessage(_header.AsSpan(0, _headerHave), recordEnds, out var payload, out var reason);
        if (verdict == MessageVerdict.NeedMore && (recordEnds || _headerHave == HeaderCapacity))
        {
            verdict = MessageVerdict.Skip; // a message cut short, or a header longer than any this follows
        }

        switch (verdict)
        {
            case MessageVerdict.Stop:
                return reason ?? "not ONC-RPC";
            case MessageVerdict.Skip:
                _state = State.Skip;
                break;
            case MessageVerdict.Parsed:
                _state = State.Body;
                (_payloadStart, _payloadEnd) = (payload.Offset, payload.Offset + (long)payload.Length);
                if (payload.Length > 0)
                {
                    for (var i = 0; i < _fragmentCount; i++)
                    {
                        Report(_fragments[i].MessageStart, _fragments[i].StreamStart, _fragments[i].Length);
                    }
                }

                break;
        }

        return null;
    }

    /// <summary>Reports the part of the payload that lies in the fragment at message offset <paramref name="messageStart"/>.</summary>
    private void Report(long messageStart, long streamStart, int length)
    {
        var from = Math.Max(messageStart, _payloadStart);
        var to = Math.Min(messageStart + length, _payloadEnd);
        if (from < to)
        {
            handler.OnPayload(streamStart + (from - messageStart), (int)(from - _payloadStart), (int)(to - from));
        }
    }

    private string? EndRecord()
    {
        var truncated = _state == State.Body && _messagePosition < _payloadEnd;
        Records++;
        (_messagePosition, _headerHave, _fragmentCount, _state, _payloadStart, _payloadEnd) = (0, 0, 0, State.Header, 0, 0);
        return truncated ? "an RPC record ended inside its data" : null;
    }
}
