using System.IO.Pipelines;

namespace WanAccel.Appliance.Tests.Flows;

/// <summary>
/// A slow link in front of a pipe: every flush takes as long as its bytes need at <paramref name="bytesPerSecond"/>, so a
/// flow writing through it spends its time waiting on back-pressure, as it does on a real slow WAN.
/// </summary>
internal sealed class ThrottledPipeWriter(PipeWriter inner, double bytesPerSecond) : PipeWriter
{
    private long _unflushed;

    public override void Advance(int bytes)
    {
        inner.Advance(bytes);
        _unflushed += bytes;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        var delay = TimeSpan.FromSeconds(_unflushed / bytesPerSecond);
        _unflushed = 0;
        var result = await inner.FlushAsync(cancellationToken);
        await Task.Delay(delay, cancellationToken);
        return result;
    }
}
