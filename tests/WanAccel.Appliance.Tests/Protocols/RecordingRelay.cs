using System.Net;
using System.Net.Sockets;
using WanAccel.Appliance.Protocols;

namespace WanAccel.Appliance.Tests.Protocols;

/// <summary>
/// A TCP relay on loopback between real clients and a real server that records each connection as an
/// <see cref="ConnectionCapture"/>: every piece is recorded before it is forwarded, so a response (which the server can only
/// send after the request reached it) is always recorded after its request — the order a parser is fed in.
/// </summary>
internal sealed class RecordingRelay : IAsyncDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ConnectionCapture> _connections = [];
    private readonly List<Task> _relays = [];
    private readonly Task _accepting;
    private bool _disposed;

    public RecordingRelay(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>What every connection so far carried (for clients that reset rather than close: stop the relay first).</summary>
    public IReadOnlyList<ConnectionCapture> Captures
    {
        get
        {
            lock (_relays)
            {
                return [.. _connections];
            }
        }
    }

    /// <summary>Waits until every connection so far has closed in both directions; returns their captures.</summary>
    public async Task<IReadOnlyList<ConnectionCapture>> ClosedAsync(CancellationToken cancellationToken)
    {
        Task[] relays;
        lock (_relays)
        {
            relays = [.. _relays];
        }

        await Task.WhenAll(relays).WaitAsync(cancellationToken);
        lock (_relays)
        {
            return [.. _connections];
        }
    }

    /// <summary>Stops relaying; idempotent (the captures stay readable).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] relays;
        lock (_relays)
        {
            relays = [.. _relays];
        }

        await Task.WhenAll(relays).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var capture = new ConnectionCapture();
            lock (_relays)
            {
                _connections.Add(capture);
                _relays.Add(RelayAsync(client, capture));
            }
        }
    }

    private async Task RelayAsync(Socket client, ConnectionCapture capture)
    {
        using var _ = client;
        using var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await server.ConnectAsync(_target, _stop.Token);
        await Task.WhenAll(
            PumpAsync(client, server, StreamDirection.ToServer, capture),
            PumpAsync(server, client, StreamDirection.ToClient, capture));
    }

    private async Task PumpAsync(Socket from, Socket to, StreamDirection direction, ConnectionCapture capture)
    {
        var buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                capture.Add(direction, buffer.AsSpan(0, read));
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            // Reset by a peer, or the relay is disposed: the capture holds what passed.
        }
    }
}
