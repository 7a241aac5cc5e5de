using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using WanAccel.Appliance.Protocols.Rpc;

namespace WanAccel.Appliance.Protocols.Nfs.ReadAhead;

/// <summary>
/// A <see cref="PipeReader"/> read record by record: look ahead at a record's mark and first bytes without consuming
/// them, then forward, take or drop them. Holds at most what the caller asked to see (one small record or a header).
/// </summary>
internal sealed class RecordReader(PipeReader reader)
{
    private ReadOnlySequence<byte> _buffer;
    private bool _holding;
    private bool _completed;

    /// <summary>What is buffered now, from the current position.</summary>
    public ReadOnlySequence<byte> Buffer => _buffer;

    /// <summary>Waits until at least <paramref name="count"/> bytes are buffered; false when the stream ended first.</summary>
    public async ValueTask<bool> FillAsync(long count, CancellationToken cancellationToken)
    {
        while (_buffer.Length < count)
        {
            if (_completed)
            {
                return false;
            }

            if (_holding)
            {
                reader.AdvanceTo(_buffer.Start, _buffer.End);
                (_holding, _buffer) = (false, default); // a read that throws below leaves nothing to give back
            }

            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            (_buffer, _completed, _holding) = (result.Buffer, result.IsCompleted, true);
            if (result.IsCanceled)
            {
                throw new IOException("The connection was reset by the WanAccel flow.");
            }
        }

        return true;
    }

    /// <summary>The record mark at the current position (needs 4 bytes buffered).</summary>
    public (bool Last, int Length) Mark()
    {
        Span<byte> mark = stackalloc byte[RecordMark.Length];
        _buffer.Slice(0, RecordMark.Length).CopyTo(mark);
        return RecordMark.Decode(mark);
    }

    /// <summary>The big-endian word at <paramref name="offset"/> from the current position (must be buffered).</summary>
    public uint Word(int offset)
    {
        Span<byte> word = stackalloc byte[4];
        _buffer.Slice(offset, 4).CopyTo(word);
        return BinaryPrimitives.ReadUInt32BigEndian(word);
    }

    public void Skip(long count) => _buffer = _buffer.Slice(count);

    /// <summary>Copies <paramref name="count"/> bytes to <paramref name="writer"/> as they arrive; false when the stream ended first.</summary>
    public async ValueTask<bool> ForwardAsync(long count, PipeWriter writer, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (!await FillAsync(1, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            var piece = _buffer.Slice(0, Math.Min(count, _buffer.Length));
            foreach (var segment in piece)
            {
                writer.Write(segment.Span);
            }

            Skip(piece.Length);
            count -= piece.Length;
            await FlushAsync(writer, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Copies everything that is left, unchanged (pass-through after read-ahead stopped).</summary>
    public async Task ForwardRestAsync(PipeWriter writer, CancellationToken cancellationToken)
    {
        while (await FillAsync(1, cancellationToken).ConfigureAwait(false))
        {
            await ForwardAsync(_buffer.Length, writer, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Forwards one whole record (every fragment up to the last); false when the stream ended inside it.</summary>
    public async ValueTask<bool> ForwardRecordAsync(PipeWriter writer, CancellationToken cancellationToken)
    {
        while (await FillAsync(RecordMark.Length, cancellationToken).ConfigureAwait(false))
        {
            var (last, length) = Mark();
            if (!await ForwardAsync(RecordMark.Length + (long)length, writer, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            if (last)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Flushes; throws when the reading side went away or the flush was cancelled (the flow was aborted).</summary>
    public static async ValueTask FlushAsync(PipeWriter writer, CancellationToken cancellationToken = default)
    {
        var result = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new IOException("The connection was reset by the WanAccel flow.");
        }
    }

    /// <summary>Gives back what was looked at but not consumed (call before completing the reader).</summary>
    public void Release()
    {
        if (_holding)
        {
            reader.AdvanceTo(_buffer.Start, _buffer.End);
            _holding = false;
        }
    }
}
