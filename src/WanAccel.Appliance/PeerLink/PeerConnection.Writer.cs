using System.Threading.Channels;
using WanAccel.Core.Wire;

namespace WanAccel.Appliance.PeerLink;

/// <summary>
/// The scheduler: control frames (OPEN, CREDIT, RESET, PING, PONG) go first so windows reopen and RTT stays honest
/// under load; then ready channels take turns, one DATA frame (≤ 64 KiB by default) each, so a bulk flow delays a
/// small one by at most one frame per other busy channel.
/// </summary>
internal sealed partial class PeerConnection
{
    /// <summary>Flush to TLS after this many buffered bytes even if more is ready: 256 KiB ≈ 16 TLS records.</summary>
    private const int FlushThresholdBytes = 256 * 1024;

    private readonly Lock _scheduleLock = new();
    private readonly Queue<PeerControlFrame> _control = new();
    private readonly Queue<PeerChannel> _ready = new();

    // A doorbell: capacity 1, extra rings dropped, so the writer never misses work and never spins.
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    internal void EnqueueControl(PeerControlFrame frame)
    {
        lock (_scheduleLock)
        {
            _control.Enqueue(frame);
        }

        _doorbell.Writer.TryWrite(true);
    }

    internal void MarkReady(PeerChannel channel)
    {
        lock (_scheduleLock)
        {
            if (channel.Queued)
            {
                return;
            }

            channel.Queued = true;
            _ready.Enqueue(channel);
        }

        _doorbell.Writer.TryWrite(true);
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        long unflushed = 0;
        while (true)
        {
            PeerControlFrame control = default;
            PeerChannel? channel = null;
            var hasControl = false;
            lock (_scheduleLock)
            {
                // Control strictly first: an OPEN is always queued before its channel can become ready.
                if (_control.Count > 0)
                {
                    control = _control.Dequeue();
                    hasControl = true;
                }
                else if (_ready.Count > 0)
                {
                    channel = _ready.Dequeue();
                    channel.Queued = false;
                }
            }

            if (hasControl)
            {
                unflushed += WriteControl(control);
            }
            else if (channel is not null)
            {
                if (channel.ServiceOutbound(_writer, _sendFramePayload, ref unflushed))
                {
                    MarkReady(channel); // back of the queue: round-robin
                }
            }
            else
            {
                if (unflushed > 0)
                {
                    await FlushAsync(unflushed, cancellationToken).ConfigureAwait(false);
                    unflushed = 0;
                }

                await _doorbell.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (unflushed >= FlushThresholdBytes)
            {
                await FlushAsync(unflushed, cancellationToken).ConfigureAwait(false);
                unflushed = 0;
            }
        }
    }

    private async ValueTask FlushAsync(long bytes, CancellationToken cancellationToken)
    {
        var result = await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        _context.Statistics.AddSent(bytes);
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new IOException("the TLS stream stopped accepting writes");
        }
    }

    private int WriteControl(in PeerControlFrame frame)
    {
        switch (frame.Type)
        {
            case PeerFrameType.Open:
                return PeerFrameCodec.Write(_writer, frame.ChannelId, PeerFrameType.Open, frame.Payload);
            case PeerFrameType.Credit:
                return PeerFrameCodec.WriteVarIntFrame(_writer, frame.ChannelId, PeerFrameType.Credit, (ulong)frame.Value);
            case PeerFrameType.Ping:
            case PeerFrameType.Pong:
                return PeerFrameCodec.WritePing(_writer, frame.Type, frame.Value);
            case PeerFrameType.Reset:
                Span<byte> payload = stackalloc byte[VarInt.MaxLength + PeerFrameCodec.MaxResetMessageBytes];
                var n = VarInt.Write(payload, (ulong)frame.Value);
                frame.Payload.AsSpan().CopyTo(payload[n..]);
                return PeerFrameCodec.Write(_writer, frame.ChannelId, PeerFrameType.Reset, payload[..(n + (frame.Payload?.Length ?? 0))]);
            default:
                throw new InvalidOperationException($"{frame.Type} is not a control frame");
        }
    }
}
