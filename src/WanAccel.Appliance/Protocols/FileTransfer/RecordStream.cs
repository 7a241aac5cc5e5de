using System.Buffers;
using System.Buffers.Binary;
using WanAccel.Appliance.FileTransfer.Protocol;

namespace WanAccel.Appliance.Protocols.FileTransfer;

/// <summary>One direction of a file-service flow: record headers, control payloads buffered (bounded), DATA and BASIS counted.</summary>
internal sealed class RecordStream(StreamDirection direction)
{
    private readonly byte[] _header = new byte[ProtocolLimits.HeaderLength];
    private readonly ArrayBufferWriter<byte> _payload = new();
    private int _headerFilled;
    private RecordType _type;
    private long _remaining = -1;
    private long _position;

    public StreamDirection Direction => direction;

    /// <summary>The file whose bytes this direction carries now, if any.</summary>
    public UInt128? File { get; set; }

    /// <summary>The file offset the next DATA, HOLE or COPY record starts at.</summary>
    public long FilePosition { get; set; }

    public string? Feed(ReadOnlySequence<byte> data, FileTransferParser parser)
    {
        var reader = new SequenceReader<byte>(data);
        while (!reader.End)
        {
            if (_remaining < 0)
            {
                var n = (int)Math.Min(reader.Remaining, _header.Length - _headerFilled);
                reader.UnreadSequence.Slice(0, n).CopyTo(_header.AsSpan(_headerFilled));
                reader.Advance(n);
                _position += n;
                _headerFilled += n;
                if (_headerFilled < _header.Length)
                {
                    return null;
                }

                _headerFilled = 0;
                _type = (RecordType)_header[0];
                _remaining = BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(1));
                var limit = _type switch
                {
                    RecordType.Data => ProtocolLimits.MaxDataLength,
                    RecordType.Basis => ProtocolLimits.MaxPayload,
                    RecordType.Hole or RecordType.Copy => 8,
                    RecordType.ListEnd => 0,
                    >= RecordType.Request and <= RecordType.ListEnd => ProtocolLimits.MaxControlPayload,
                    _ => -1,
                };
                if (_remaining > limit)
                {
                    return $"record type {(byte)_type} with {_remaining} bytes";
                }

                if (_type == RecordType.Data)
                {
                    parser.OnData(this, _position, (int)_remaining);
                }
            }

            var take = (int)Math.Min(_remaining, reader.Remaining);
            if (_type is not (RecordType.Data or RecordType.Basis))
            {
                reader.UnreadSequence.Slice(0, take).CopyTo(_payload.GetSpan(take));
                _payload.Advance(take);
            }

            reader.Advance(take);
            _position += take;
            _remaining -= take;
            if (_remaining == 0)
            {
                _remaining = -1;
                var error = _type is RecordType.Data or RecordType.Basis ? null : parser.OnRecord(this, _type, new ReadOnlySequence<byte>(_payload.WrittenMemory));
                _payload.ResetWrittenCount();
                if (error is not null)
                {
                    return error;
                }
            }
        }

        return null;
    }
}
