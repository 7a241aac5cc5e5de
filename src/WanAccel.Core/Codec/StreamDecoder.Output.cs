using System.Buffers;
using WanAccel.Core.Fingerprints;
using WanAccel.Core.Wire;

namespace WanAccel.Core.Codec;

/// <summary>Delivery in order: straight to the output while nothing is missing, through <see cref="PendingOutput"/> behind a miss.</summary>
public sealed partial class StreamDecoder
{
    private static readonly byte[] s_zeros = new byte[64 * 1024];

    /// <summary>Copies a stored chunk to the output; false (and nothing written) when the store cannot serve it.</summary>
    private bool TryEmitChunk(in ChunkId id, int length)
    {
        if (!_store.TryGetLength(id, out var stored) || stored != length)
        {
            return false;
        }

        if (_holes.Count == 0)
        {
            var span = _output.GetSpan(length);
            if (_store.TryRead(id, span) != length)
            {
                return false;
            }

            _checksum.Append(span[..length]);
            _output.Advance(length);
            Advanced(length);
        }
        else
        {
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                if (_store.TryRead(id, buffer) != length)
                {
                    return false;
                }

                EnsurePendingRoom(length);
                _pending.Append(buffer.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        _position += length;
        return true;
    }

    /// <summary>Appends bytes at the current position.</summary>
    private void Emit(ReadOnlySpan<byte> data)
    {
        if (_holes.Count == 0)
        {
            Deliver(data);
        }
        else
        {
            EnsurePendingRoom(data.Length);
            _pending.Append(data);
        }

        _position += data.Length;
    }

    /// <summary>[position, position+length) cannot be built now: reserve it, report it, keep decoding behind it.</summary>
    private void Miss(long length, in ChunkId id)
    {
        if (_holes.Count == 0)
        {
            _pending.Reset(_position);
        }

        EnsurePendingRoom(length);
        _pending.AppendZeros(length);
        _holes.Add(new Hole(_position, _position + length));
        Statistics.Misses++;
        Statistics.MissedBytes += length;
        _feedback.OnMiss(_position, length, id);
        _position += length;
    }

    private void FillHole(long offset, ReadOnlySpan<byte> data)
    {
        var index = _holes.FindIndex(h => h.Next == offset);
        if (index < 0 || data.Length > _holes[index].End - offset)
        {
            throw new WireFormatException(WireError.Malformed, $"Resend of {data.Length} bytes at {offset} matches no missing range");
        }

        var hole = _holes[index];
        _pending.Write(offset, data);
        hole.Next += data.Length;
        Statistics.ResentBytes += data.Length;
        if (hole.Next < hole.End)
        {
            return;
        }

        _holes.RemoveAt(index);
        _pending.Drain(_holes.Count > 0 ? _holes[0].Start : _pending.End, _deliver);
    }

    private void EnsurePendingRoom(long more)
    {
        if (_pending.Length + more > Math.Max(_windowBytes, ChunkLimits.MaxChunkSize) + WireLimits.MaxFrameBody)
        {
            throw new WireFormatException(WireError.LimitExceeded, $"more than the announced window ({_windowBytes} bytes) decoded behind a missing range");
        }
    }

    private void Deliver(ReadOnlySpan<byte> data)
    {
        var span = _output.GetSpan(data.Length);
        data.CopyTo(span);
        _output.Advance(data.Length);
        _checksum.Append(data);
        Advanced(data.Length);
    }

    private void Advanced(long count)
    {
        _delivered += count;
        Statistics.OutputBytes += count;
        if (_delivered - _lastAck >= _options.AckIntervalBytes)
        {
            _lastAck = _delivered;
            _feedback.OnAck(_delivered);
        }
    }

    private void AppendZerosToChecksum(long count)
    {
        while (count > 0)
        {
            var n = (int)Math.Min(count, s_zeros.Length);
            _checksum.Append(s_zeros.AsSpan(0, n));
            count -= n;
        }
    }
}
