using System.Buffers;
using System.IO.Pipelines;

namespace WanAccel.Appliance.PeerLink;

/// <summary>
/// The application's view of a channel's incoming bytes. Wraps the receive pipe to see how much the application
/// consumes in <see cref="AdvanceTo(SequencePosition, SequencePosition)"/>: that is what returns credit to the sender.
/// </summary>
internal sealed class ChannelInputReader(PeerChannel channel, PipeReader inner) : PipeReader
{
    private ReadOnlySequence<byte> _last;
    private bool _hasLast;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var pending = inner.ReadAsync(cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            return new ValueTask<ReadResult>(Remember(pending.Result));
        }

        return Await(pending);
    }

    public override bool TryRead(out ReadResult result)
    {
        if (inner.TryRead(out result))
        {
            Remember(result);
            return true;
        }

        return false;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        var bytes = _hasLast ? _last.Slice(_last.Start, consumed).Length : 0;
        _hasLast = false;
        _last = default;
        inner.AdvanceTo(consumed, examined);
        if (bytes > 0)
        {
            channel.OnInputConsumed(bytes);
        }
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null)
    {
        channel.OnInputReaderCompleted();
        inner.Complete(exception);
    }

    private ReadResult Remember(ReadResult result)
    {
        _last = result.Buffer;
        _hasLast = true;
        return result;
    }

    private async ValueTask<ReadResult> Await(ValueTask<ReadResult> pending) => Remember(await pending.ConfigureAwait(false));
}
