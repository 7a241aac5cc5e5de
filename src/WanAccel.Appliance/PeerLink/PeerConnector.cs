using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WanAccel.Appliance.Identity;

namespace WanAccel.Appliance.PeerLink;

/// <summary>
/// Keeps <see cref="PeerLinkOptions.ConnectionsPerPeer"/> authenticated connections to one peer open and warm
/// (PING every <see cref="PeerLinkOptions.PingInterval"/>), so <see cref="OpenChannelAsync"/> costs no TCP or TLS
/// round trip. A dropped connection is re-established with capped, jittered exponential back-off. Channels the peer
/// opens over these connections go to the handler.
/// </summary>
public sealed class PeerConnector : IAsyncDisposable
{
    private readonly PeerLinkContext _context;
    private readonly PeerOptions _peer;
    private readonly PeerConnectionSet _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _stateLock = new();
    private Task[] _slots = [];
    private int _connecting;
    private PeerLinkState _state = PeerLinkState.Down;

    /// <summary>Creates a connector to the peer named <paramref name="peerName"/> in <paramref name="options"/> (it needs an Endpoint).</summary>
    public PeerConnector(PeerIdentity identity, PeerLinkOptions options, string peerName, PeerChannelHandler? handler = null,
        ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(options);
        _peer = options.Peers.FirstOrDefault(p => p.Name == peerName)
            ?? throw new ArgumentException($"Unknown peer '{peerName}'.", nameof(peerName));
        if (_peer.Endpoint is null)
        {
            throw new ArgumentException($"Peer '{peerName}' has no Endpoint to connect to.", nameof(peerName));
        }

        _context = new PeerLinkContext(identity, options, handler,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<PeerConnector>(), timeProvider ?? TimeProvider.System);
    }

    /// <summary>Raised when a connection comes up, with the peer's name and the store instance it announced.</summary>
    public event Action<string, Guid>? PeerInstanceSeen
    {
        add => _context.PeerInstanceSeen += value;
        remove => _context.PeerInstanceSeen -= value;
    }

    /// <summary>Raised (on a pool thread) when <see cref="State"/> changes.</summary>
    public event EventHandler<PeerLinkState>? StateChanged;

    /// <summary>The peer's name.</summary>
    public string PeerName => _peer.Name;

    /// <summary>Up when at least one connection is; Connecting while attempts are in progress; Down otherwise.</summary>
    public PeerLinkState State
    {
        get
        {
            lock (_stateLock)
            {
                return _state;
            }
        }
    }

    /// <summary>Connections currently up.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Smallest smoothed RTT over the connections up; null before the first measurement.</summary>
    public TimeSpan? SmoothedRtt => _connections.Snapshot().Select(c => c.SmoothedRtt).Where(r => r is not null).Min();

    /// <summary>Counters over all connections to this peer, including refused attempts by reason.</summary>
    public PeerLinkStatistics Statistics => _context.Statistics;

    /// <summary>Starts the connection slots.</summary>
    public void Start()
    {
        if (_slots.Length > 0)
        {
            throw new InvalidOperationException("Already started.");
        }

        _slots = [.. Enumerable.Range(0, _context.Options.ConnectionsPerPeer).Select(_ => RunSlotAsync(_stopping.Token))];
    }

    /// <summary>
    /// Opens a channel on the connection carrying the fewest channels. When no connection is up, waits for one
    /// (bounded by <paramref name="cancellationToken"/>).
    /// </summary>
    public ValueTask<PeerChannel> OpenChannelAsync(ReadOnlyMemory<byte> metadata, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        return _connections.OpenChannelAsync(metadata, cancellationToken);
    }

    /// <summary>Waits until <see cref="State"/> is <see cref="PeerLinkState.Up"/>.</summary>
    public async Task WaitUntilUpAsync(CancellationToken cancellationToken = default)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange(object? sender, PeerLinkState state)
        {
            if (state == PeerLinkState.Up)
            {
                up.TrySetResult();
            }
        }

        StateChanged += OnChange;
        try
        {
            if (State == PeerLinkState.Up)
            {
                return;
            }

            await up.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            StateChanged -= OnChange;
        }
    }

    /// <summary>Stops reconnecting and closes the connections; open channels fail with a reset.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var connection in _connections.Snapshot())
        {
            connection.Abort(new IOException("the connector stopped"));
        }

        await Task.WhenAll(_slots).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunSlotAsync(CancellationToken stopping)
    {
        await Task.Yield();
        if (!PeerEndpoint.TryParse(_peer.Endpoint!, out var endPoint, out var invalid))
        {
            throw new InvalidOperationException(invalid); // Validate rejects this at construction
        }

        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            Interlocked.Increment(ref _connecting);
            UpdateState();
            PeerConnection? connection = null;
            string? error = null;
            try
            {
                connection = await PeerLinkHandshake.ConnectAsync(endPoint, _peer.Name, _context, stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                error = ex.GetBaseException().Message;
            }
            catch (Exception)
            {
                Interlocked.Decrement(ref _connecting);
                break;
            }

            Interlocked.Decrement(ref _connecting);
            if (connection is not null)
            {
                failures = 0;
                _connections.Add(connection);
                connection.Start();
                UpdateState();
                if (stopping.IsCancellationRequested)
                {
                    connection.Abort(new IOException("the connector stopped"));
                }

                await connection.Completion.ConfigureAwait(false);
                _connections.Remove(connection);
            }

            UpdateState();
            failures++;
            var delay = Backoff(failures);
            if (error is not null)
            {
                PeerLinkLog.ConnectFailed(_context.Logger, _peer.Name, _peer.Endpoint!, failures, (long)delay.TotalMilliseconds, error);
            }

            try
            {
                await Task.Delay(delay, _context.Time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        UpdateState();
    }

    /// <summary>min · 2^(failures−1), capped at max, then jittered to 50–100 % so the slots and peers do not synchronize.</summary>
    private TimeSpan Backoff(int failures)
    {
        var options = _context.Options;
        var exponential = options.ReconnectMinDelay.Ticks * Math.Pow(2, Math.Min(failures - 1, 30));
        var capped = Math.Min(exponential, options.ReconnectMaxDelay.Ticks);
#pragma warning disable CA5394 // jitter, not security
        return TimeSpan.FromTicks((long)(capped * (0.5 + (Random.Shared.NextDouble() * 0.5))));
#pragma warning restore CA5394
    }

    private void UpdateState()
    {
        PeerLinkState next;
        lock (_stateLock)
        {
            next = _connections.Count > 0 ? PeerLinkState.Up
                : Volatile.Read(ref _connecting) > 0 && !_stopping.IsCancellationRequested ? PeerLinkState.Connecting
                : PeerLinkState.Down;
            if (next == _state)
            {
                return;
            }

            _state = next;
        }

        PeerLinkLog.StateChanged(_context.Logger, _peer.Name, next);
        StateChanged?.Invoke(this, next);
    }
}
