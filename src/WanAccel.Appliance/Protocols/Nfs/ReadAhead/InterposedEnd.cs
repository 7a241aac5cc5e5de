using System.IO.Pipelines;
using WanAccel.Appliance.Interception;

namespace WanAccel.Appliance.Protocols.Nfs.ReadAhead;

/// <summary>
/// A flow endpoint that sits between the flow and a real one (<see cref="Inner"/>) and rewrites what passes, record by
/// record, in two pumps: <see cref="PumpInwardAsync"/> (inner → flow) and <see cref="PumpOutwardAsync"/> (flow → inner).
/// Both pipes are bounded like a socket's (1 MiB); every wait of the pumps ends on <see cref="Abort"/>, and each pump
/// completes the pipe ends it owns on its way out.
/// </summary>
internal abstract class InterposedEnd : IFlowEndpoint
{
    private static readonly PipeOptions PipeOptions = new(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false);

    private readonly CancellationTokenSource _abort = new();
    private Task _pumps = Task.CompletedTask;

    protected InterposedEnd(IFlowEndpoint inner) => Inner = inner;

    public PipeReader Input => ToFlow.Reader;

    public PipeWriter Output => FromFlow.Writer;

    protected IFlowEndpoint Inner { get; }

    /// <summary>What goes to the flow (the pump writes, the flow reads).</summary>
    protected Pipe ToFlow { get; } = new(PipeOptions);

    /// <summary>What comes from the flow (the flow writes, the pump reads).</summary>
    protected Pipe FromFlow { get; } = new(PipeOptions);

    protected CancellationToken Aborted => _abort.Token;

    public void Abort()
    {
        Inner.Abort();
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public async Task CloseAsync(TimeSpan drainTimeout)
    {
        await _pumps.WaitAsync(drainTimeout).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        await StoppedAsync().ConfigureAwait(false);
        await Inner.CloseAsync(drainTimeout).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Abort();
        await StoppedAsync().ConfigureAwait(false);
        await Inner.DisposeAsync().ConfigureAwait(false);
        await _pumps.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
    }

    /// <summary>Starts both pumps (at the end of the derived constructor, once its fields are set).</summary>
    protected void Start() => _pumps = Task.WhenAll(PumpInwardAsync(), PumpOutwardAsync());

    protected abstract Task PumpInwardAsync();

    protected abstract Task PumpOutwardAsync();

    /// <summary>Releases what the derived end owns besides the inner endpoint (may be called twice).</summary>
    protected virtual ValueTask StoppedAsync() => ValueTask.CompletedTask;
}
