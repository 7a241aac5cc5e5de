using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WanAccel.Appliance.Protocols;
using WanAccel.Core.Codec;
using WanAccel.Core.Compression;
using WanAccel.Core.Wire;

namespace WanAccel.Appliance.Flows;

/// <summary>
/// Carries one TCP flow through the engine over one peer channel, both directions at once: bytes read from the local
/// socket are encoded into frames on the channel (upstream); frames from the channel are decoded onto the local socket
/// (downstream). Each side's decoder feedback (acks, misses) travels on the same channel, interleaved with its frames.
/// Any failure completes both pipes with the error, so the local client sees a reset, never a truncated stream.
/// Each direction classifies its own first bytes and passes traffic that cannot benefit straight through; the codec of
/// its literals follows <see cref="AdaptiveCodecPolicy"/>.
/// </summary>
internal sealed partial class FlowSession : IDisposable
{
    private readonly IDuplexPipe _local;
    private readonly IDuplexPipe _channel;
    private readonly FlowContext _context;
    private readonly StreamEncoder _encoder;
    private readonly RetainedInput _retained = new();
    private readonly SemaphoreSlim _channelWriteLock = new(1, 1);
    private readonly SemaphoreSlim _acked = new(0);
    private readonly TimeProvider _time;
    private readonly AdaptiveCodecPolicy _codecPolicy;
    private readonly ILogger _logger;
    private readonly ProtocolTap? _tap;
    private readonly Action<long> _cutAt;

    /// <param name="tap">The protocol parser of this flow, if its protocol has one: it sees every local byte, and its file data edges become chunk boundaries.</param>
    public FlowSession(IDuplexPipe local, IDuplexPipe channel, FlowContext context, TimeProvider? time = null, ILogger? logger = null, ProtocolTap? tap = null)
    {
        _local = local;
        _tap = tap;
        _channel = channel;
        _context = context;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _codecPolicy = new AdaptiveCodecPolicy(context.Options.CodecPolicy, _time);
        _encoder = new StreamEncoder(context.Options.Encoder with { Codec = _codecPolicy.Current }, context.PeerKnowledge, context.Store);
        _cutAt = _encoder.CutAt;
        Statistics.SetCodec(_codecPolicy.Current, switched: false);
    }

    public FlowStatistics Statistics { get; } = new();

    public EncodeStatistics Encoded => _encoder.Statistics;

    public DecodeStatistics? Decoded { get; private set; }

    /// <summary>Runs both directions until both streams are complete and verified; throws (after completing both pipes with the error) on failure.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var upstream = UpstreamAsync(cts.Token);
        var downstream = ReceiveAsync(cts.Token);
        var feedback = FeedbackPumpAsync(cts.Token);
        try
        {
            // The first direction to fail takes the other down at once (it may be waiting on a quiet socket).
            await await Task.WhenAny(upstream, downstream, feedback).ConfigureAwait(false);
            await Task.WhenAll(upstream, downstream, feedback).ConfigureAwait(false);
            await _channel.Output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await cts.CancelAsync().ConfigureAwait(false);
            var error = upstream.Exception?.InnerException ?? downstream.Exception?.InnerException ?? feedback.Exception?.InnerException ?? e;
            await _local.Input.CompleteAsync(error).ConfigureAwait(false);
            await _local.Output.CompleteAsync(error).ConfigureAwait(false);
            await _channel.Input.CompleteAsync(error).ConfigureAwait(false);
            await _channel.Output.CompleteAsync(error).ConfigureAwait(false);
            throw;
        }
    }

    public void Dispose()
    {
        _encoder.Dispose();
        _retained.Dispose();
        _channelWriteLock.Dispose();
        _acked.Dispose();
        _outbox.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="write"/> against the channel writer under the write lock, then flushes; returns what it cost.
    /// A channel the peer stopped reading is an error unless <paramref name="feedbackOnly"/>: a peer closes only once its
    /// own stream is acknowledged and ours is complete, so acks racing that close are moot (and a peer that vanished
    /// mid-stream is caught by our decoder, which then never sees its End frame).
    /// </summary>
    private async ValueTask<ChannelWriteCost> WriteChannelAsync<TState>(
        Action<IBufferWriter<byte>, TState> write, TState state, CancellationToken cancellationToken, bool feedbackOnly = false, SemaphoreSlim? gate = null)
    {
        await _channelWriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var counter = new CountingWriter(_channel.Output);
            if (gate is not null)
            {
                // Held for the write only: a flow waiting on its channel's back-pressure below never blocks another's encoding.
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            var start = _time.GetTimestamp();
            try
            {
                write(counter, state);
            }
            finally
            {
                gate?.Release();
            }

            var written = _time.GetTimestamp();
            Statistics.AddWanOut(counter.Written);
            var flush = await _channel.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCompleted && !feedbackOnly)
            {
                throw new WireFormatException(WireError.Truncated, "the peer channel closed while the flow was still sending");
            }

            return new ChannelWriteCost(counter.Written, _time.GetElapsedTime(start, written), _time.GetElapsedTime(written));
        }
        finally
        {
            _channelWriteLock.Release();
        }
    }

    /// <summary>Counts bytes written through to a pipe writer.</summary>
    private sealed class CountingWriter(PipeWriter inner) : IBufferWriter<byte>
    {
        public long Written { get; private set; }

        public void Advance(int count)
        {
            inner.Advance(count);
            Written += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
    }
}
