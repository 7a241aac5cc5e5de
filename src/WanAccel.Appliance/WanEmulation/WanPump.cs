using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;

namespace WanAccel.Appliance.WanEmulation;

/// <summary>
/// One direction of one relayed connection: reads the sender's socket into the link, and writes segments
/// the link delivers to the receiver's socket, FIN included. Before each read it takes window credit
/// (returned by the ACK), connection credit (returned when written to the receiver, so a receiver that
/// stops reading stops only its own sender) and link credit (returned when the segment leaves the link).
/// Whichever runs out stops the reads, and TCP back-pressure reaches the sender.
/// </summary>
internal sealed class WanPump
{
    private readonly Socket _source;
    private readonly Socket _destination;
    private readonly WanLink _link;
    private readonly ByteCredit? _window;
    private readonly ByteCredit _held;
    private readonly Channel<WanSegment> _delivered = Channel.CreateUnbounded<WanSegment>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public WanPump(Socket source, Socket destination, WanLink link, long windowBytes)
    {
        _source = source;
        _destination = destination;
        _link = link;
        _window = windowBytes > 0 ? new ByteCredit(windowBytes, WanEmulatorOptions.SegmentSize) : null;
        _held = new ByteCredit(link.Credit.Capacity, WanEmulatorOptions.SegmentSize);
    }

    /// <summary>Arrival time of this stream's latest scheduled segment; guarded by the link's lock.</summary>
    public long LastArrival { get; set; }

    /// <summary>Reads until EOF (then sends FIN through the link) or failure.</summary>
    public async Task ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            // Wait for data without holding a buffer or credit: 1,000 idle connections cost nothing.
            await _source.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken).ConfigureAwait(false);

            var want = _link.ChunkBytes;
            if (_window is not null)
            {
                want = await _window.AcquireAsync(want, cancellationToken).ConfigureAwait(false);
            }

            int held, granted;
            try
            {
                held = await _held.AcquireAsync(want, cancellationToken).ConfigureAwait(false);
                try
                {
                    granted = await _link.Credit.AcquireAsync(held, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    _held.Release(held);
                    throw;
                }
            }
            catch
            {
                _window?.Release(want);
                throw;
            }

            _held.Release(held - granted);
            _window?.Release(want - granted);
            var buffer = ArrayPool<byte>.Shared.Rent(granted);
            int n;
            try
            {
                n = await _source.ReceiveAsync(buffer.AsMemory(0, granted), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                ReleaseAll(granted);
                throw;
            }

            ReleaseAll(granted - n);
            if (n == 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                _link.SendFin(this);
                return;
            }

            if (n <= buffer.Length / 4 && buffer.Length > 4096)
            {
                // A small read into a large rented array would pin the array for a whole RTT.
                var small = ArrayPool<byte>.Shared.Rent(n);
                buffer.AsSpan(0, n).CopyTo(small);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = small;
            }

            _link.ObserveConnection(_held.InUse, _window?.InUse ?? 0);

            _link.Send(this, buffer, n);
        }
    }

    /// <summary>Writes delivered segments in order; on FIN shuts down the receiver's sending side.</summary>
    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        var reader = _delivered.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var acked = 0;
                while (reader.TryRead(out var segment))
                {
                    if (segment.IsFin)
                    {
                        _destination.Shutdown(SocketShutdown.Send);
                        return;
                    }

                    try
                    {
                        var data = segment.Buffer.AsMemory(segment.Offset, segment.Count);
                        while (!data.IsEmpty)
                        {
                            var sent = await _destination.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                            data = data[sent..];
                        }

                        _link.CountWritten(segment.Count);
                    }
                    finally
                    {
                        Release(segment);
                    }

                    acked += segment.Count;
                }

                if (_window is not null && acked > 0)
                {
                    _link.Acknowledge(this, acked);
                }
            }
        }
        finally
        {
            // Whatever is still queued for a failed or cancelled pump is dropped; its credit comes back.
            _delivered.Writer.TryComplete();
            while (reader.TryRead(out var segment))
            {
                Release(segment);
            }
        }
    }

    /// <summary>Called by the link's scheduler thread when a segment is due at the receiver; it has left the link.</summary>
    public void Deliver(WanSegment segment)
    {
        _link.Credit.Release(segment.Count);
        if (!_delivered.Writer.TryWrite(segment))
        {
            Release(segment);
        }
    }

    /// <summary>Called by the link's scheduler thread when an ACK reaches the sender.</summary>
    public void OnAcknowledged(int bytes) => _window?.Release(bytes);

    private void ReleaseAll(int bytes)
    {
        _link.Credit.Release(bytes);
        _held.Release(bytes);
        _window?.Release(bytes);
    }

    private void Release(WanSegment segment)
    {
        if (segment.IsFin)
        {
            return;
        }

        _held.Release(segment.Count);
        if (segment.ReturnsBuffer)
        {
            ArrayPool<byte>.Shared.Return(segment.Buffer!);
        }
    }
}
