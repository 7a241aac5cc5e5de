using System.Buffers.Binary;
using System.IO.Pipelines;

namespace WanAccel.Appliance.FileTransfer.Protocol;

/// <summary>Writes records into a pipe; <see cref="FlushIfDueAsync"/> flushes every 256 KiB so back-pressure reaches the sender.</summary>
public sealed class RecordWriter(PipeWriter writer)
{
    private const int FlushEvery = 256 * 1024;
    private long _unflushed;
    private Memory<byte> _pending;

    /// <summary>Bytes of records written so far (headers included).</summary>
    public long BytesWritten { get; private set; }

    /// <summary>
    /// Reserves a record of up to <paramref name="maxLength"/> payload bytes and returns the span to fill; then
    /// <see cref="Commit"/> with the bytes actually written.
    /// </summary>
    public Span<byte> Begin(RecordType type, int maxLength)
    {
        _pending = writer.GetMemory(ProtocolLimits.HeaderLength + maxLength);
        var span = _pending.Span;
        span[0] = (byte)type;
        return span.Slice(ProtocolLimits.HeaderLength, maxLength);
    }

    public void Commit(int length)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_pending.Span[1..], (uint)length);
        _pending = default;
        writer.Advance(ProtocolLimits.HeaderLength + length);
        BytesWritten += ProtocolLimits.HeaderLength + length;
        _unflushed += ProtocolLimits.HeaderLength + length;
    }

    public void Write(RecordType type, ReadOnlySpan<byte> payload)
    {
        payload.CopyTo(Begin(type, payload.Length));
        Commit(payload.Length);
    }

    /// <summary>A HOLE, COPY or BASIS_END record: one u64.</summary>
    public void WriteLength(RecordType type, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(Begin(type, 8), value);
        Commit(8);
    }

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken)
    {
        _unflushed = 0;
        return writer.FlushAsync(cancellationToken);
    }

    public async ValueTask FlushIfDueAsync(CancellationToken cancellationToken)
    {
        if (_unflushed >= FlushEvery)
        {
            var result = await FlushAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted)
            {
                throw new FileTransferException(TransferStatus.IoError, "the other side stopped reading");
            }
        }
    }
}
