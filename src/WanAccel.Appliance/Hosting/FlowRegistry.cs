using System.Collections.Concurrent;

namespace WanAccel.Appliance.Hosting;

/// <summary>Every running flow of an appliance, and totals of those that ended; what metrics and shutdown look at.</summary>
public sealed class FlowRegistry
{
    private readonly ConcurrentDictionary<long, FlowRecord> _active = new();
    private long _nextId;
    private long _failed;

    /// <summary>Raised when a connection or request is refused before it becomes a flow.</summary>
    public event Action<FlowRefusal>? Refused;

    /// <summary>Raised once per flow when it ends (cleanly or not), after its counts are final.</summary>
    public event Action<FlowRecord>? Ended;

    public IReadOnlyCollection<FlowRecord> Active => (IReadOnlyCollection<FlowRecord>)_active.Values;

    public long Total => Interlocked.Read(ref _nextId);

    public long Failed => Interlocked.Read(ref _failed);

    internal FlowRecord Register(string rule, string protocol, string peer, string destination, FlowOrigin origin)
    {
        var record = new FlowRecord(Interlocked.Increment(ref _nextId), rule, protocol, peer, destination, origin);
        _active[record.Id] = record;
        return record;
    }

    internal void Complete(FlowRecord record, Exception? error)
    {
        record.End(error);
        if (error is not null)
        {
            Interlocked.Increment(ref _failed);
        }

        _active.TryRemove(record.Id, out _);
        Ended?.Invoke(record);
    }

    internal void Refuse(FlowRefusal refusal) => Refused?.Invoke(refusal);

    /// <summary>Waits until no flow is running, or the token fires.</summary>
    public async Task WaitIdleAsync(CancellationToken cancellationToken)
    {
        while (!_active.IsEmpty)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }
}
