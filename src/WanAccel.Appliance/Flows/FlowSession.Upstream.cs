using System.Buffers;
using System.IO.Pipelines;

namespace WanAccel.Appliance.Flows;

/// <summary>Local socket → encoder → peer channel, within the window of unacknowledged input.</summary>
internal sealed partial class FlowSession
{
    private async Task UpstreamAsync(CancellationToken cancellationToken)
    {
        var options = _context.Options;
        var reader = _local.Input;
        var staging = ArrayPool<byte>.Shared.Rent((2 * options.Encoder.BatchBytes) + options.Encoder.Chunking.MaxSize + options.Encoder.Chunking.MinZeroRun);
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
                    // A partial chunk is waiting: give more bytes FlushDelay to arrive, then send it as it is.
                    using var timer = _time.CreateTimer(static r => ((PipeReader)r!).CancelPendingRead(), reader, options.FlushDelay, Timeout.InfiniteTimeSpan);
                    result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }

                var buffer = result.Buffer;
                var take = (int)Math.Min(buffer.Length, staging.Length - filled);
                var taken = buffer.Slice(0, take);
                taken.CopyTo(staging.AsSpan(filled));
                _retained.Append(taken);
                reader.AdvanceTo(taken.End);
                Statistics.AddLanIn(take);
                filled += take;
                var end = result.IsCompleted && take == buffer.Length;
                var flush = end || (result.IsCanceled && take == 0);
                if (filled == 0 && !end)
                {
                    continue;
                }

                var consumed = 0;
                await WriteChannelAsync(
                    (writer, s) =>
                    {
                        consumed = s.Session._encoder.Encode(s.Staging.AsMemory(0, s.Filled), s.Flush, writer);
                        if (s.End)
                        {
                            s.Session._encoder.Complete(writer);
                        }
                    },
                    (Session: this, Staging: staging, Filled: filled, Flush: flush, End: end),
                    cancellationToken).ConfigureAwait(false);
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
}
