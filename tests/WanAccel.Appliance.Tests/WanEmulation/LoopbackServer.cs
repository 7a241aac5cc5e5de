using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace WanAccel.Appliance.Tests.WanEmulation;

/// <summary>A TCP server on 127.0.0.1:0 running a handler per accepted connection; handler failures are kept for assertions.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _handlers = [];
    private readonly Task _accept;

    public LoopbackServer(Func<Socket, CancellationToken, Task> handler)
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(1024);
        _accept = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var s = await _listener.AcceptAsync(_stop.Token);
                    _handlers.Add(Task.Run(async () =>
                    {
                        using (s)
                        {
                            await handler(s, _stop.Token);
                        }
                    }));
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        });
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    public IEnumerable<Task> Handlers => _handlers;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        await _accept;
        try
        {
            await Task.WhenAll(_handlers).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
            // Handler failures are asserted by the tests that care.
        }

        _stop.Dispose();
    }
}
