using System.Buffers;
using System.Globalization;

namespace WanAccel.Appliance.Protocols.Http;

/// <summary>
/// One direction of an HTTP/1.x connection as a state machine over the bytes as they pass: a head (buffered, bounded),
/// then its body (counted, never buffered) — fixed length, chunked (size lines and trailers buffered, bounded) or up to
/// the close. File data is announced at most 1 GiB ahead of the stream, so a hostile length costs nothing (a body
/// delimited by the close is announced as it arrives).
/// </summary>
internal sealed class HttpMessageReader
{
    private const int MaxLine = 4096;
    private const long MaxChunk = 1L << 40;
    private const long AnnounceBytes = 1L << 30;

    private readonly ArrayBufferWriter<byte> _buffer = new();
    private State _state = State.Head;
    private BodyFraming _framing;
    private int _lineStart;
    private long _position;
    private long _remaining;
    private long _fileOffset;
    private long _announcedEnd;

    private enum State
    {
        Head,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
    }

    /// <summary>Takes the next bytes of this direction; returns an error to stop the parser, else null.</summary>
    public string? Feed(ReadOnlySequence<byte> data, StreamDirection direction, Http1Parser parser)
    {
        var reader = new SequenceReader<byte>(data);
        while (!reader.End)
        {
            var error = _state switch
            {
                State.Head or State.ChunkSize or State.Trailers => TakeLine(ref reader, direction, parser),
                State.Body or State.ChunkData => TakeData(ref reader, direction, parser),
                _ => TakeChunkEnd(ref reader),
            };
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private string? TakeData(ref SequenceReader<byte> reader, StreamDirection direction, Http1Parser parser)
    {
        if (_position == _announcedEnd)
        {
            // A body that ends with the connection has no length to announce: what arrived is all that is known.
            var ahead = _framing.CloseDelimited ? reader.Remaining : _remaining;
            var piece = Math.Min(ahead, AnnounceBytes - (_fileOffset & (AnnounceBytes - 1)));
            parser.OnBodyData(_framing, direction, _position, _fileOffset, piece);
            _announcedEnd = _position + piece;
        }

        var take = Math.Min(_announcedEnd - _position, reader.Remaining);
        reader.Advance(take);
        _position += take;
        _fileOffset += take;
        _remaining -= take;
        if (_remaining > 0)
        {
            return null;
        }

        if (_state == State.Body)
        {
            parser.OnBodyEnd(_framing, direction);
            _state = State.Head;
        }
        else
        {
            _state = State.ChunkDataEnd;
            _remaining = 2;
        }

        return null;
    }

    private string? TakeChunkEnd(ref SequenceReader<byte> reader)
    {
        reader.TryRead(out var b);
        _position++;
        if (b != (_remaining == 2 ? (byte)'\r' : (byte)'\n'))
        {
            return "chunk data not followed by CRLF";
        }

        if (--_remaining == 0)
        {
            _state = State.ChunkSize;
        }

        return null;
    }

    /// <summary>Buffers up to the next LF (bounded) and, with a whole line, acts on it.</summary>
    private string? TakeLine(ref SequenceReader<byte> reader, StreamDirection direction, Http1Parser parser)
    {
        var limit = _state == State.ChunkSize ? MaxLine : Http1Parser.MaxHead;
        var complete = reader.TryReadTo(out ReadOnlySequence<byte> part, (byte)'\n', advancePastDelimiter: true);
        if (!complete)
        {
            part = reader.UnreadSequence;
            reader.AdvanceToEnd();
        }

        if (_buffer.WrittenCount + part.Length + 1 > limit)
        {
            return _state == State.ChunkSize ? "chunk-size line too long" : "message head too long";
        }

        part.CopyTo(_buffer.GetSpan((int)part.Length));
        _buffer.Advance((int)part.Length);
        _position += part.Length + (complete ? 1 : 0);
        if (!complete)
        {
            return null;
        }

        _buffer.Write("\n"u8);
        var line = _buffer.WrittenSpan[_lineStart..].TrimEnd("\r\n"u8);
        switch (_state)
        {
            case State.Head when line.IsEmpty && _lineStart == 0:
                Reset(); // blank lines between messages are allowed and ignored
                return null;
            case State.Head when line.IsEmpty:
                return EndHead(direction, parser);
            case State.ChunkSize:
                return ChunkSize(line);
            case State.Trailers when line.IsEmpty:
                parser.OnBodyEnd(_framing, direction);
                _state = State.Head;
                Reset();
                return null;
            default:
                _lineStart = _buffer.WrittenCount;
                return null;
        }
    }

    private string? EndHead(StreamDirection direction, Http1Parser parser)
    {
        var error = direction == StreamDirection.ToServer
            ? parser.OnRequest(_buffer.WrittenSpan, out _framing)
            : parser.OnResponse(_buffer.WrittenSpan, out _framing);
        Reset();
        if (error is not null)
        {
            return error;
        }

        _fileOffset = _framing.FileOffset;
        _announcedEnd = _position;
        if (_framing.Chunked)
        {
            _state = State.ChunkSize;
        }
        else if (_framing.CloseDelimited || _framing.ContentLength > 0)
        {
            _state = State.Body;
            _remaining = _framing.CloseDelimited ? long.MaxValue : _framing.ContentLength;
        }

        return null;
    }

    private string? ChunkSize(ReadOnlySpan<byte> line)
    {
        var extension = line.IndexOf((byte)';');
        var digits = (extension < 0 ? line : line[..extension]).Trim(" \t"u8);
        var parsed = long.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size);
        Reset();
        if (!parsed || size < 0 || size > MaxChunk)
        {
            return "malformed chunk size";
        }

        if (size == 0)
        {
            _state = State.Trailers;
            return null;
        }

        _state = State.ChunkData;
        _remaining = size;
        _announcedEnd = _position;
        return null;
    }

    private void Reset()
    {
        _buffer.ResetWrittenCount();
        _lineStart = 0;
    }
}
