namespace WanAccel.Appliance.WanEmulation;

/// <summary>
/// A pool of byte credit with FIFO async waiters: the queue bound of a link (shared by its connections) or
/// the send window of one connection. A waiter is granted only when at least min(request, <c>minGrant</c>)
/// bytes are free, so a nearly full queue does not turn into a stream of tiny reads.
/// </summary>
internal sealed class ByteCredit
{
    private readonly object _gate = new();
    private readonly Queue<Waiter> _waiters = new();
    private readonly long _capacity;
    private readonly int _minGrant;
    private long _available;
    private long _peakInUse;

    public ByteCredit(long capacity, int minGrant)
    {
        _capacity = capacity;
        _available = capacity;
        _minGrant = (int)Math.Max(1, Math.Min(minGrant, capacity));
    }

    public long Capacity => _capacity;

    public long InUse => _capacity - Volatile.Read(ref _available);

    public long PeakInUse => Volatile.Read(ref _peakInUse);

    /// <summary>Takes between 1 and <paramref name="max"/> bytes of credit, waiting while too little is free.</summary>
    public ValueTask<int> AcquireAsync(int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_waiters.Count == 0 && _available >= Math.Min(max, _minGrant))
            {
                return ValueTask.FromResult(Take(max));
            }

            var waiter = new Waiter(max);
            _waiters.Enqueue(waiter);
            if (cancellationToken.CanBeCanceled)
            {
                waiter.Registration = cancellationToken.Register(
                    static state => ((Waiter)state!).Completion.TrySetCanceled(), waiter);
            }

            return new ValueTask<int>(waiter.Completion.Task);
        }
    }

    /// <summary>Returns credit and hands it to waiters in arrival order.</summary>
    public void Release(long bytes)
    {
        if (bytes <= 0)
        {
            return;
        }

        List<(Waiter, int)>? granted = null;
        lock (_gate)
        {
            _available += bytes;
            while (_waiters.TryPeek(out var w))
            {
                if (w.Completion.Task.IsCompleted)
                {
                    _waiters.Dequeue(); // cancelled
                    continue;
                }

                if (_available < Math.Min(w.Max, _minGrant))
                {
                    break;
                }

                _waiters.Dequeue();
                (granted ??= []).Add((w, Take(w.Max)));
            }
        }

        if (granted is null)
        {
            return;
        }

        foreach (var (w, n) in granted)
        {
            w.Registration.Dispose();
            if (!w.Completion.TrySetResult(n))
            {
                Release(n); // cancelled meanwhile
            }
        }
    }

    private int Take(int max)
    {
        var n = (int)Math.Min(max, _available);
        _available -= n;
        var inUse = _capacity - _available;
        if (inUse > _peakInUse)
        {
            Volatile.Write(ref _peakInUse, inUse);
        }

        return n;
    }

    private sealed class Waiter(int max)
    {
        public int Max { get; } = max;

        public TaskCompletionSource<int> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }
    }
}
