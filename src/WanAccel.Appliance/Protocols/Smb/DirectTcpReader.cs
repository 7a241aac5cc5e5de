using System.Buffers;

namespace WanAccel.Appliance.Protocols.Smb;

/// <summary>
/// One direction of an SMB2 connection over Direct TCP (MS-SMB2 2.1: a zero byte and a 24-bit big-endian length before
/// each frame of one or more compounded messages). Assembles only the first bytes of each message that
/// <see cref="Smb2Conversation"/> asks for — in place when the fed span holds them, else in a small buffer — and skips
/// the rest (READ and WRITE payloads, directory listings, security blobs) by counting, so bulk data is never copied.
/// </summary>
internal sealed class DirectTcpReader(StreamDirection direction)
{
    private const int FrameHeaderLength = 4;

    /// <summary>The largest prefix a message may need: a name at the far end of a 16-bit offset (~96 KiB).</summary>
    private const int MaxPrefix = ushort.MaxValue + Smb2Conversation.MaxNameBytes;

    private byte[] _buffer = [];
    private int _buffered;

    /// <summary>Stream offset of the next byte fed.</summary>
    private long _position;

    /// <summary>Stream offset where the unit being assembled (a frame header or a message) starts.</summary>
    private long _unitStart;

    /// <summary>Bytes of that unit to assemble before looking at it.</summary>
    private int _want = FrameHeaderLength;

    private bool _inFrame;
    private bool _firstInFrame;
    private long _frameEnd;

    /// <summary>Bytes before this stream offset are skipped unseen.</summary>
    private long _skipTo;

    /// <summary>Reads what <paramref name="reader"/> holds; returns <see cref="MessageStepKind.Done"/> when all of it was taken in, else why to stop.</summary>
    public MessageStep Read(ref SequenceReader<byte> reader, Smb2Conversation conversation)
    {
        while (!reader.End)
        {
            if (_position < _skipTo)
            {
                var skip = Math.Min(_skipTo - _position, reader.Remaining);
                reader.Advance(skip);
                _position += skip;
                continue;
            }

            var inPlace = _buffered == 0 && reader.UnreadSpan.Length >= _want;
            ReadOnlySpan<byte> unit;
            if (inPlace)
            {
                unit = reader.UnreadSpan[.._want];
            }
            else
            {
                EnsureCapacity(_want);
                var take = (int)Math.Min(_want - _buffered, reader.Remaining);
                reader.TryCopyTo(_buffer.AsSpan(_buffered, take));
                reader.Advance(take);
                _buffered += take;
                _position += take;
                if (_buffered < _want)
                {
                    break;
                }

                unit = _buffer.AsSpan(0, _want);
            }

            var step = _inFrame
                ? conversation.Look(direction, unit, _unitStart, (int)(_frameEnd - _unitStart), _firstInFrame)
                : FrameHeader(unit);
            switch (step.Kind)
            {
                case MessageStepKind.More when step.Bytes > _want && step.Bytes <= MaxPrefix && step.Bytes <= _frameEnd - _unitStart:
                    _want = step.Bytes; // in place nothing is consumed yet; buffered bytes stay
                    break;
                case MessageStepKind.Done when step.Bytes >= _want && (!_inFrame || step.Bytes <= _frameEnd - _unitStart):
                    if (inPlace)
                    {
                        reader.Advance(_want);
                        _position += _want;
                    }

                    _buffered = 0;
                    Next(_unitStart + step.Bytes);
                    break;
                case MessageStepKind.More or MessageStepKind.Done:
                    return MessageStep.Stop($"inconsistent message lengths at {direction} offset {_unitStart}");
                default:
                    return step;
            }
        }

        return MessageStep.Done(0);
    }

    /// <summary>The 4-byte Direct TCP header: a zero, then the frame's length (24 bits, big-endian).</summary>
    private MessageStep FrameHeader(ReadOnlySpan<byte> header)
    {
        if (header[0] != 0)
        {
            return MessageStep.Stop($"not SMB2 Direct TCP framing at {direction} offset {_unitStart} (first byte 0x{header[0]:X2})");
        }

        var length = (header[1] << 16) | (header[2] << 8) | header[3];
        if (length == 0)
        {
            return MessageStep.Stop($"empty Direct TCP frame at {direction} offset {_unitStart}");
        }

        _frameEnd = _unitStart + FrameHeaderLength + length;
        return MessageStep.Done(FrameHeaderLength);
    }

    /// <summary>Moves to the unit that starts at <paramref name="start"/>: the next message of the frame, or the next frame.</summary>
    private void Next(long start)
    {
        var wasFrameHeader = !_inFrame;
        _unitStart = start;
        _skipTo = start;
        _inFrame = start < _frameEnd;
        _firstInFrame = _inFrame && wasFrameHeader;
        _want = _inFrame ? (int)Math.Min(Smb2Header.Length, _frameEnd - start) : FrameHeaderLength;
    }

    private void EnsureCapacity(int length)
    {
        if (_buffer.Length < length)
        {
            Array.Resize(ref _buffer, Math.Min(MaxPrefix, Math.Max(length, Math.Max(256, _buffer.Length * 2))));
        }
    }
}
