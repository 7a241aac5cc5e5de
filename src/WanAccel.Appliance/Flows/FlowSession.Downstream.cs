using System.Buffers;
using System.IO.Pipelines;
using WanAccel.Core.Codec;
using WanAccel.Core.Wire;

namespace WanAccel.Appliance.Flows;

/// <summary>
/// Peer channel → (feedback to our encoder | frames to our decoder) → local socket. It never writes to the channel itself:
/// acks, misses and resends go through the feedback pump, so it keeps reading while our upstream waits on a full channel.
/// </summary>
internal sealed partial class FlowSession
{
    private async Task DownstreamAsync(CancellationToken cancellationToken)
    {
        var reader = _channel.Input;
        var output = new PipeDecoderOutput(_local.Output, _tap);
        using var decoder = new StreamDecoder(_context.Store, output, _feedback, _context.Options.Decoder, _context.PeerKnowledge);
        Decoded = decoder.Statistics;
        var localDone = false;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var wanBefore = Statistics.WanBytesIn;
            var lanBefore = _tap?.OutputPosition ?? 0;
            await EngineGate.Decoders.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                while (TryTakeFrame(ref buffer, out var type, out var frame, out var rented))
                {
                    try
                    {
                        Statistics.AddWanIn(frame.Length);
                        Dispatch(type, frame.Span, decoder);
                    }
                    finally
                    {
                        if (rented is not null)
                        {
                            ArrayPool<byte>.Shared.Return(rented);
                        }
                    }
                }
            }
            finally
            {
                EngineGate.Decoders.Release();
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            _tap?.Files.Attribute(_tap.Receiving, lanBefore, _tap.OutputPosition, Statistics.WanBytesIn - wanBefore);
            Statistics.SetPassthroughIn(decoder.Statistics.PassthroughBytes);

            if (output.Unflushed > 0)
            {
                Statistics.AddLanOut(output.Unflushed);
                output.Flushed();
                await _local.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            if (!localDone && decoder.IsComplete)
            {
                localDone = true;
                await _local.Output.CompleteAsync().ConfigureAwait(false);
            }

            if (_feedback.HasPending || !_resends.IsEmpty)
            {
                _outbox.Release();
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                if (!buffer.IsEmpty)
                {
                    throw new WireFormatException(WireError.Truncated, "the peer channel ended inside a frame");
                }

                if (!decoder.IsComplete)
                {
                    throw new WireFormatException(WireError.Truncated, $"the peer channel ended after {decoder.Delivered} bytes, before the stream was complete");
                }

                await reader.CompleteAsync().ConfigureAwait(false);
                return;
            }

            if (decoder.IsComplete && _encoder.IsCompleted && _retained.Length == 0)
            {
                // Both streams are complete and our last byte is acknowledged: nothing more will come.
                await reader.CompleteAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    private void Dispatch(byte type, ReadOnlySpan<byte> frame, StreamDecoder decoder)
    {
        if (!FeedbackWriter.IsFeedback(type))
        {
            if (decoder.Decode(frame) != frame.Length)
            {
                throw new WireFormatException(WireError.Malformed, "frame not consumed whole");
            }

            return;
        }

        FrameHeader.TryRead(frame, out _, out var header, out _);
        var body = frame[header..];
        if (type == (byte)FeedbackType.Ack)
        {
            _retained.Release(FeedbackWriter.ReadAck(body));
            _acked.Release();
        }
        else
        {
            _resends.Enqueue(FeedbackWriter.ReadMiss(body));
        }
    }

    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/>: a slice of its first segment when it fits there,
    /// else a copy into a pooled array (returned in <paramref name="rented"/>).
    /// </summary>
    private static bool TryTakeFrame(ref ReadOnlySequence<byte> buffer, out byte type, out ReadOnlyMemory<byte> frame, out byte[]? rented)
    {
        type = 0;
        frame = default;
        rented = null;
        Span<byte> prefix = stackalloc byte[1 + VarInt.MaxLength];
        var available = (int)Math.Min(buffer.Length, prefix.Length);
        buffer.Slice(0, available).CopyTo(prefix);
        if (!FrameHeader.TryRead(prefix[..available], out type, out var header, out var body) || buffer.Length < header + body)
        {
            return false;
        }

        var length = header + body;
        if (buffer.First.Length >= length)
        {
            frame = buffer.First[..length];
        }
        else
        {
            rented = ArrayPool<byte>.Shared.Rent(length);
            buffer.Slice(0, length).CopyTo(rented);
            frame = rented.AsMemory(0, length);
        }

        buffer = buffer.Slice(length);
        return true;
    }
}
