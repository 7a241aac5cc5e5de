using System.IO.Pipelines;

namespace WanAccel.Appliance.PeerLink;

/// <summary>
/// The application's view of a channel's outgoing bytes: a pipe whose reader is the connection's frame scheduler.
/// Flushing tells the scheduler the channel has data; the pipe's pause threshold is the back-pressure on the
/// application once credit runs out.
/// </summary>
internal sealed class ChannelOutputWriter(PeerChannel channel, PipeWriter inner) : PipeWriter
{
    private int _completed;

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes;

    public override void Advance(int bytes)
    {
        inner.Advance(bytes);
        channel.OnOutputWritten(bytes);
    }

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        channel.ThrowIfOutputFailed();
        return inner.GetMemory(sizeHint);
    }

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        channel.ThrowIfOutputFailed();
        return inner.GetSpan(sizeHint);
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        channel.ThrowIfOutputFailed();
        var flush = inner.FlushAsync(cancellationToken); // commits synchronously, may then wait for the scheduler
        channel.OnOutputReady();
        return flush;
    }

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            inner.Complete(exception);
            channel.OnOutputReady();
        }
    }
}
