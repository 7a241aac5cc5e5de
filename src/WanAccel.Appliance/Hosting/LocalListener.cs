using System.Net;
using System.Net.Sockets;

namespace WanAccel.Appliance.Hosting;

/// <summary>
/// A TCP listener of the appliance (a rule's address, the <c>wanaccel cp</c> port): binds at construction (so the real
/// port is known before start), accepts until disposed and hands each client to its own task. A failed accept (out of
/// descriptors) is reported and retried after 100 ms. Disposing stops accepting; clients already handed over carry on.
/// </summary>
internal sealed class LocalListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stopping = new();
    private Task _accepting = Task.CompletedTask;

    public LocalListener(IPEndPoint listen)
    {
        _socket = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (listen.AddressFamily == AddressFamily.InterNetworkV6)
        {
            _socket.DualMode = true;
        }

        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(listen);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    /// <summary>The bound address (the real port when port 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; }

    public void Start(int backlog, Func<Socket, Task> handle, Action<SocketException> failed)
    {
        _socket.Listen(backlog);
        _accepting = AcceptLoopAsync(handle, failed);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _accepting.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Func<Socket, Task> handle, Action<SocketException> failed)
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                // Out of descriptors and the like: report, breathe, keep serving.
                failed(e);
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            _ = Task.Run(() => handle(client), CancellationToken.None);
        }
    }
}
