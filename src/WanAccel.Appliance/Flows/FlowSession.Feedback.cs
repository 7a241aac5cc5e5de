using System.Collections.Concurrent;
using WanAccel.Core.Fingerprints;
using WanAccel.Core.Wire;

namespace WanAccel.Appliance.Flows;

/// <summary>
/// The feedback pump: writes our decoder's acks and misses and answers the peer's misses with resends. It runs apart
/// from the downstream because both ends' upstreams may fill the channel at once: a downstream that waited for the channel
/// lock (held by its upstream, blocked on the peer) would stop reading, and so block the peer's upstream in turn.
/// </summary>
internal sealed partial class FlowSession
{
    private readonly PendingFeedback _feedback = new();
    private readonly ConcurrentQueue<(long Offset, long Length, ChunkId Id)> _resends = new();
    private readonly SemaphoreSlim _outbox = new(0);
    private bool _downstreamDone;

    /// <summary>The downstream, and then a last call on the pump to send what it left.</summary>
    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await DownstreamAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _downstreamDone, true);
            _outbox.Release();
        }
    }

    private async Task FeedbackPumpAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _outbox.WaitAsync(cancellationToken).ConfigureAwait(false);
            var done = Volatile.Read(ref _downstreamDone);

            // Resends first: they start a round trip sooner (as misses go before acks in PendingFeedback).
            while (_resends.TryDequeue(out var miss))
            {
                await ResendAsync(miss.Offset, miss.Length, miss.Id, cancellationToken).ConfigureAwait(false);
            }

            if (_feedback.HasPending)
            {
                await WriteChannelAsync(static (writer, f) => f.WriteTo(writer), _feedback, cancellationToken, feedbackOnly: true).ConfigureAwait(false);
            }

            if (done)
            {
                return;
            }
        }
    }

    private async ValueTask ResendAsync(long offset, long length, ChunkId id, CancellationToken cancellationToken)
    {
        var data = _retained.Read(offset, length)
            ?? throw new WireFormatException(WireError.Malformed, $"the peer reported a miss at [{offset}, +{length}) outside the unacknowledged input");
        await WriteChannelAsync(
            static (writer, s) =>
            {
                s.Encoder.OnMiss(s.Id);
                s.Encoder.EncodeResend(s.Offset, s.Data, writer);
            },
            (Encoder: _encoder, Id: id, Offset: offset, Data: data),
            cancellationToken).ConfigureAwait(false);
    }
}
