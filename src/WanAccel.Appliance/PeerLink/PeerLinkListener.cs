using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WanAccel.Appliance.Identity;

namespace WanAccel.Appliance.PeerLink;

/// <summary>
/// Accepts authenticated peer connections on <see cref="PeerLinkOptions.Listen"/>: TLS 1.3, client certificate required
/// and pinned. Channels the peers open go to the handler; this side opens channels towards a connected peer with
/// <see cref="OpenChannelAsync"/> over the connections that peer keeps open.
/// </summary>
public sealed class PeerLinkListener : IAsyncDisposable
{
    private readonly PeerLinkContext _context;
    private readonly ConcurrentDictionary<string, PeerConnectionSet> _peers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _socket;
    private Task _accepting = Task.CompletedTask;
    private int _pendingHandshakes;

    /// <summary>Creates a listener; <paramref name="handler"/> null refuses every channel the peers open.</summary>
    public PeerLinkListener(PeerIdentity identity, PeerLinkOptions options, PeerChannelHandler? handler,
        ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Listen is null)
        {
            throw new ArgumentException("PeerLinkOptions.Listen is required for a listener.", nameof(options));
        }

        _context = new PeerLinkContext(identity, options, handler,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<PeerLinkListener>(), timeProvider ?? TimeProvider.System);
    }

    /// <summary>Raised when a connection comes up, with the peer's name and the store instance it announced.</summary>
    public event Action<string, Guid>? PeerInstanceSeen
    {
        add => _context.PeerInstanceSeen += value;
        remove => _context.PeerInstanceSeen -= value;
    }

    /// <summary>Counters over all accepted connections, including refused attempts by reason.</summary>
    public PeerLinkStatistics Statistics => _context.Statistics;

    /// <summary>The bound address (useful with port 0); null before <see cref="Start"/>.</summary>
    public IPEndPoint? LocalEndPoint => _socket?.LocalEndPoint as IPEndPoint;

    /// <summary>Names of the peers with at least one connection up.</summary>
    public IReadOnlyList<string> ConnectedPeers => [.. _peers.Where(p => p.Value.Count > 0).Select(p => p.Key)];

    /// <summary>Connections up from <paramref name="peerName"/>.</summary>
    public int ConnectionCount(string peerName) => _peers.TryGetValue(peerName, out var set) ? set.Count : 0;

    /// <summary>Smallest smoothed RTT over <paramref name="peerName"/>'s connections; null before the first measurement.</summary>
    public TimeSpan? SmoothedRtt(string peerName) =>
        _peers.TryGetValue(peerName, out var set) ? set.Snapshot().Select(c => c.SmoothedRtt).Where(r => r is not null).Min() : null;

    /// <summary>Binds and starts accepting.</summary>
    public void Start()
    {
        if (_socket is not null)
        {
            throw new InvalidOperationException("Already started.");
        }

        if (!PeerEndpoint.TryParse(_context.Options.Listen!, out var endPoint, out var invalid) || endPoint is not IPEndPoint ip)
        {
            throw new InvalidOperationException(invalid); // Validate rejects this at construction
        }

        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true); // restart without TIME_WAIT trouble
            socket.Bind(ip);
            socket.Listen(128);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
        var bound = socket.LocalEndPoint?.ToString() ?? "?";
        PeerLinkLog.Listening(_context.Logger, bound, _context.Identity.Fingerprint);
        _accepting = AcceptLoopAsync(socket, _stopping.Token);
    }

    /// <summary>
    /// Opens a channel towards <paramref name="peerName"/> on its least-loaded connection; waits (until
    /// <paramref name="cancellationToken"/>) when the peer has none up.
    /// </summary>
    public ValueTask<PeerChannel> OpenChannelAsync(string peerName, ReadOnlyMemory<byte> metadata, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        if (!_context.Options.Peers.Any(p => p.Name == peerName))
        {
            throw new ArgumentException($"Unknown peer '{peerName}'.", nameof(peerName));
        }

        return _peers.GetOrAdd(peerName, _ => new PeerConnectionSet()).OpenChannelAsync(metadata, cancellationToken);
    }

    /// <summary>Stops accepting and closes every connection: their channels on both sides fail with a reset.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket?.Dispose();
        await _accepting.ConfigureAwait(false);
        var closing = new List<Task>();
        foreach (var set in _peers.Values)
        {
            foreach (var connection in set.Snapshot())
            {
                connection.Abort(new IOException("the listener stopped"));
                closing.Add(connection.Completion);
            }
        }

        await Task.WhenAll(closing).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (stopping.IsCancellationRequested || ex is ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                PeerLinkLog.AcceptFailed(_context.Logger, ex); // e.g. EMFILE: keep accepting
                continue;
            }

            if (Interlocked.Increment(ref _pendingHandshakes) > _context.Options.MaxPendingHandshakes)
            {
                Interlocked.Decrement(ref _pendingHandshakes);
                _context.Statistics.AddRefused(PeerRefusalReason.Overloaded);
                PeerLinkLog.Refused(_context.Logger, socket.RemoteEndPoint?.ToString() ?? "?", PeerRefusalReason.Overloaded, "too many handshakes in progress");
                socket.Dispose();
                continue;
            }

            _ = HandshakeAsync(socket, stopping);
        }
    }

    private async Task HandshakeAsync(Socket socket, CancellationToken stopping)
    {
        PeerConnection connection;
        try
        {
            connection = await PeerLinkHandshake.AcceptAsync(socket, _context, stopping).ConfigureAwait(false);
        }
        catch (Exception)
        {
            return; // counted and logged by the handshake
        }
        finally
        {
            Interlocked.Decrement(ref _pendingHandshakes);
        }

        var set = _peers.GetOrAdd(connection.PeerName, _ => new PeerConnectionSet());
        set.Add(connection);
        connection.Start();
        if (stopping.IsCancellationRequested)
        {
            connection.Abort(new IOException("the listener stopped")); // raced with DisposeAsync's sweep
        }

        await connection.Completion.ConfigureAwait(false);
        set.Remove(connection);
    }
}
