using System.Buffers;
using System.IO.Pipelines;
using WanAccel.Core.Classification;
using WanAccel.Core.Compression;

namespace WanAccel.Appliance.Flows;

/// <summary>Local socket → classifier → encoder (or passthrough) → peer channel, within the window of unacknowledged input.</summary>
internal sealed partial class FlowSession
{
    /// <summary>
    /// A stream passed through for looking compressed or random is sampled again after this many bytes: an archive or
    /// disk image whose first file is a JPEG must not lose deduplication for everything after it.
    /// </summary>
    private const long PassthroughRecheckBytes = 1 << 20;

    /// <summary>
    /// Staging starts this small and doubles while reads fill it, up to two encoder batches (~8 MiB): a thousand idle
    /// or interactive flows cost 256 KiB each, a bulk transfer reaches full batches after five reads.
    /// </summary>
    private const int InitialStagingBytes = 256 * 1024;

    private async Task UpstreamAsync(CancellationToken cancellationToken)
    {
        var options = _context.Options;
        var reader = _local.Input;
        var maxStaging = (2 * options.Encoder.BatchBytes) + options.Encoder.Chunking.MaxSize + options.Encoder.Chunking.MinZeroRun;
        var staging = ArrayPool<byte>.Shared.Rent(Math.Min(InitialStagingBytes, maxStaging));
        var streamClass = options.PassthroughDetection ? StreamClass.Undecided : StreamClass.Dedupable;
        var passthrough = false;
        long passedSinceCheck = 0;
        Statistics.SetSentClass(streamClass);
        try
        {
            var filled = 0;
            while (true)
            {
                while (_retained.Length >= options.Encoder.WindowBytes)
                {
                    await _acked.WaitAsync(cancellationToken).ConfigureAwait(false);
                }

                ReadResult result;
                if (filled > 0)
                {
                    // A partial chunk (or an undecided head) is waiting: give more bytes FlushDelay to arrive, then send it as it is.
                    using var timer = _time.CreateTimer(static r => ((PipeReader)r!).CancelPendingRead(), reader, options.FlushDelay, Timeout.InfiniteTimeSpan);
                    result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }

                var buffer = result.Buffer;
                if (buffer.Length > staging.Length - filled && staging.Length < maxStaging)
                {
                    staging = Grow(staging, filled, maxStaging);
                }

                var take = (int)Math.Min(buffer.Length, staging.Length - filled);
                var taken = buffer.Slice(0, take);
                taken.CopyTo(staging.AsSpan(filled));
                _retained.Append(taken);
                _tap?.LocalInput(taken);
                reader.AdvanceTo(taken.End);
                Statistics.AddLanIn(take);
                filled += take;
                var end = result.IsCompleted && take == buffer.Length;
                var flush = end || (result.IsCanceled && take == 0);
                if (filled == 0 && !end)
                {
                    continue;
                }

                if (streamClass == StreamClass.Undecided)
                {
                    // Nothing was encoded yet, so staging holds the stream from its first byte. Undecided means fewer than
                    // 64 KiB and no pause: keep reading (the FlushDelay timer above bounds the wait).
                    streamClass = StreamClassifier.Classify(staging.AsSpan(0, filled), isComplete: flush);
                    if (streamClass == StreamClass.Undecided)
                    {
                        continue;
                    }

                    passthrough = StreamClassifier.PassesThrough(streamClass);
                    Statistics.SetSentClass(streamClass);
                    FlowLog.Classified(_logger, streamClass, filled, passthrough);
                }

                if (!passthrough && _tap is { Files.IsEncrypted: true })
                {
                    // The protocol turned to encryption mid-stream (SMB3 transform): nothing after this repeats.
                    passthrough = true;
                    FlowLog.Classified(_logger, StreamClass.HighEntropy, filled, passthrough: true);
                }

                var contentPassthrough = passthrough && streamClass is StreamClass.Compressed or StreamClass.HighEntropy;
                if (contentPassthrough && passedSinceCheck >= PassthroughRecheckBytes && (filled >= StreamClassifier.SampleBytes || flush))
                {
                    // Only content can bring a stream back (TLS and SSH stay encrypted to the end).
                    passedSinceCheck = 0;
                    if (StreamClassifier.Classify(staging.AsSpan(0, Math.Min(filled, StreamClassifier.SampleBytes)), isComplete: true) == StreamClass.Dedupable)
                    {
                        passthrough = false;
                        FlowLog.Classified(_logger, StreamClass.Dedupable, filled, passthrough: false);
                    }
                }

                if (!passthrough && !flush && filled < options.Encoder.BatchBytes)
                {
                    // Bulk data keeps arriving: gather a whole batch so the encoder's pipeline has work for every core
                    // (a socket read brings 64 KiB–1 MiB). A pause of FlushDelay sends what is there.
                    continue;
                }

                // Passthrough goes at most up to the next re-check, so the sample is taken where the re-check falls.
                var budget = end || !contentPassthrough
                    ? filled
                    : (int)Math.Min(filled, Math.Max(StreamClassifier.SampleBytes, PassthroughRecheckBytes - passedSinceCheck));
                var consumed = passthrough
                    ? await PassThroughAsync(staging, budget, end, cancellationToken).ConfigureAwait(false)
                    : await EncodeAsync(staging, filled, flush, end, cancellationToken).ConfigureAwait(false);
                passedSinceCheck += passthrough ? consumed : 0;
                staging.AsSpan(consumed, filled - consumed).CopyTo(staging);
                filled -= consumed;
                if (end)
                {
                    await reader.CompleteAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(staging);
        }
    }

    private static byte[] Grow(byte[] staging, int filled, int max)
    {
        var grown = ArrayPool<byte>.Shared.Rent(Math.Min(max, staging.Length * 2));
        staging.AsSpan(0, filled).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(staging);
        return grown;
    }

    /// <summary>Encodes what can be cut of <paramref name="staging"/>, feeds the codec policy what it cost; returns the bytes consumed.</summary>
    private async ValueTask<int> EncodeAsync(byte[] staging, int filled, bool flush, bool end, CancellationToken cancellationToken)
    {
        var consumed = 0;
        var start = _encoder.Position;
        _tap?.Files.CutsWithin(_tap.Sending, start, start + filled, _cutAt);
        var cost = await WriteChannelAsync(
            (writer, s) =>
            {
                // Under the channel lock, so no resend is compressing while the codec changes.
                s.Session._encoder.Codec = s.Session._codecPolicy.Current;
                consumed = s.Session._encoder.Encode(s.Staging.AsMemory(0, s.Filled), s.Flush, writer);
                if (s.End)
                {
                    s.Session._encoder.Complete(writer);
                }
            },
            (Session: this, Staging: staging, Filled: filled, Flush: flush, End: end),
            cancellationToken,
            gate: EngineGate.Encoders).ConfigureAwait(false);
        _tap?.Files.Attribute(_tap.Sending, start, start + consumed, cost.Bytes);
        var before = _codecPolicy.Current;
        if (_codecPolicy.Observe(new CodecSample(consumed, cost.Bytes, cost.Writing, cost.Flushing)))
        {
            Statistics.SetCodec(_codecPolicy.Current, switched: true);
            FlowLog.CodecSwitched(_logger, before, _codecPolicy.Current, _codecPolicy.InputRate, _codecPolicy.WireRate);
        }

        return consumed;
    }

    /// <summary>Sends all of <paramref name="staging"/> as Passthrough frames; returns the bytes consumed (all).</summary>
    private async ValueTask<int> PassThroughAsync(byte[] staging, int filled, bool end, CancellationToken cancellationToken)
    {
        await WriteChannelAsync(
            static (writer, s) =>
            {
                s.Encoder.EncodePassthrough(s.Staging.AsSpan(0, s.Filled), writer);
                if (s.End)
                {
                    s.Encoder.Complete(writer);
                }
            },
            (Encoder: _encoder, Staging: staging, Filled: filled, End: end),
            cancellationToken).ConfigureAwait(false);
        Statistics.AddPassthroughOut(filled);
        _tap?.Files.Attribute(_tap.Sending, _encoder.Position - filled, _encoder.Position, filled);
        return filled;
    }
}
