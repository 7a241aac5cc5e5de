namespace WanAccel.Appliance.PeerLink;

/// <summary>The live connections to one peer; new channels go to the one carrying the fewest.</summary>
internal sealed class PeerConnectionSet
{
    private readonly Lock _sync = new();
    private readonly List<PeerConnection> _connections = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _connections.Count;
            }
        }
    }

    public PeerConnection[] Snapshot()
    {
        lock (_sync)
        {
            return [.. _connections];
        }
    }

    public void Add(PeerConnection connection)
    {
        lock (_sync)
        {
            _connections.Add(connection);
        }

        Signal();
    }

    public void Remove(PeerConnection connection)
    {
        lock (_sync)
        {
            _connections.Remove(connection);
        }

        Signal();
    }

    /// <summary>Opens on the least-loaded open connection, waiting for one if there is none.</summary>
    public async ValueTask<PeerChannel> OpenChannelAsync(ReadOnlyMemory<byte> metadata, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Task changed;
            PeerConnection? best = null;
            lock (_sync)
            {
                changed = _changed.Task;
                var fewest = int.MaxValue;
                foreach (var connection in _connections)
                {
                    var count = connection.ChannelCount;
                    if (connection.IsOpen && count < fewest)
                    {
                        best = connection;
                        fewest = count;
                    }
                }
            }

            if (best is not null)
            {
                try
                {
                    return best.OpenChannel(metadata);
                }
                catch (PeerChannelResetException) when (!best.IsOpen)
                {
                    continue; // closed between the pick and the open
                }
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_sync)
        {
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }
}
