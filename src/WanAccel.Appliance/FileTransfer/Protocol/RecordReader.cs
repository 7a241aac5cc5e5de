using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;

namespace WanAccel.Appliance.FileTransfer.Protocol;

/// <summary>
/// Reads whole records from a pipe, checking type and length before buffering the payload (at most
/// <see cref="ProtocolLimits.MaxPayload"/>). The payload is valid until <see cref="Release"/>, which the caller must call
/// before the next <see cref="ReadAsync"/>.
/// </summary>
public sealed class RecordReader(PipeReader reader)
{
    private SequencePosition _next;
    private bool _holding;

    /// <summary>Payload of the record last read.</summary>
    public ReadOnlySequence<byte> Payload { get; private set; }

    /// <summary>True once the underlying stream failed (reset, cancelled): nothing more can be said on it.</summary>
    public bool Broken { get; private set; }

    /// <summary>Bytes of records read so far (headers included).</summary>
    public long BytesRead { get; private set; }

    /// <summary>Next record's type (<see cref="RecordType.EndOfStream"/> when the stream ended between records).</summary>
    public async ValueTask<RecordType> ReadAsync(CancellationToken cancellationToken)
    {
        if (_holding)
        {
            throw new InvalidOperationException("Release the previous record first.");
        }

        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Broken = true;
                throw;
            }

            var buffer = result.Buffer;
            if (buffer.Length >= ProtocolLimits.HeaderLength)
            {
                var (type, length) = ReadHeader(buffer);
                if (length > MaxLength(type))
                {
                    reader.AdvanceTo(buffer.Start);
                    throw new FileTransferException(TransferStatus.ProtocolError,
                        MaxLength(type) == 0 && type is not (RecordType.BasisEnd or RecordType.ListEnd)
                            ? $"unknown record type {(byte)type}"
                            : $"{type} record of {length} bytes exceeds its limit of {MaxLength(type)}");
                }

                if (buffer.Length >= ProtocolLimits.HeaderLength + length)
                {
                    Payload = buffer.Slice(ProtocolLimits.HeaderLength, length);
                    _next = buffer.GetPosition(ProtocolLimits.HeaderLength + length);
                    _holding = true;
                    BytesRead += ProtocolLimits.HeaderLength + length;
                    return type;
                }
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                reader.AdvanceTo(buffer.End);
                if (buffer.IsEmpty && result.IsCompleted)
                {
                    return RecordType.EndOfStream;
                }

                throw new FileTransferException(TransferStatus.ProtocolError, "the stream ended inside a record");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Reads the next record and checks it is <paramref name="expected"/> (an ERROR record is thrown as its status and message).</summary>
    public async ValueTask ExpectAsync(RecordType expected, CancellationToken cancellationToken)
    {
        var type = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (type != expected)
        {
            throw Unexpected(type, expected.ToString());
        }
    }

    /// <summary>The exception for an unexpected record: the far side's error for an ERROR record, else a protocol error (the record is released).</summary>
    public FileTransferException Unexpected(RecordType type, string expected)
    {
        if (type == RecordType.Error)
        {
            var error = ErrorRecord.Parse(Payload);
            Release();
            return new FileTransferException(error.Status, error.Message);
        }

        if (_holding)
        {
            Release();
        }

        return new FileTransferException(TransferStatus.ProtocolError,
            type == RecordType.EndOfStream ? $"the stream ended where {expected} was expected" : $"{type} record where {expected} was expected");
    }

    public void Release()
    {
        _holding = false;
        Payload = default;
        reader.AdvanceTo(_next);
    }

    private static (RecordType Type, uint Length) ReadHeader(ReadOnlySequence<byte> buffer)
    {
        Span<byte> header = stackalloc byte[ProtocolLimits.HeaderLength];
        buffer.Slice(0, ProtocolLimits.HeaderLength).CopyTo(header);
        return ((RecordType)header[0], BinaryPrimitives.ReadUInt32LittleEndian(header[1..]));
    }

    private static int MaxLength(RecordType type) => type switch
    {
        RecordType.Basis => ProtocolLimits.MaxPayload,
        RecordType.Data => ProtocolLimits.MaxDataLength,
        RecordType.Hole or RecordType.Copy => 8,
        RecordType.BasisEnd => 9,
        RecordType.ListEnd => 0,
        RecordType.Request or RecordType.FileInfo or RecordType.End or RecordType.Result or RecordType.Error or RecordType.Entry => ProtocolLimits.MaxControlPayload,
        _ => 0,
    };
}
