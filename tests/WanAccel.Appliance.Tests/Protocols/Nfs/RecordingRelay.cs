using System.Net;
using System.Net.Sockets;
using WanAccel.Appliance.Protocols;

namespace WanAccel.Appliance.Tests.Protocols.Nfs;

/// <summary>
/// A TCP relay on loopback that records what each connection carries, both directions, in the order the relay read it
/// (so every call is recorded before the reply it caused).
/// </summary>
internal sealed class RecordingRelay : IAsyncDisposable, IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly List<Task> _tasks = [];
    private readonly CancellationTokenSource _stop = new();

    public RecordingRelay(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _tasks.Add(AcceptAsync());
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>One list of chunks per connection, in arrival order.</summary>
    public List<List<(StreamDirection Direction, byte[] Bytes)>> Connections { get; } = [];

    /// <summary>Stops relaying (idempotent: the recording stays readable).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAll(_tasks).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
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

            var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await server.ConnectAsync(_target);
            var chunks = new List<(StreamDirection, byte[])>();
            lock (Connections)
            {
                Connections.Add(chunks);
            }

            _tasks.Add(PumpAsync(client, server, StreamDirection.ToServer, chunks));
            _tasks.Add(PumpAsync(server, client, StreamDirection.ToClient, chunks));
        }
    }

    private async Task PumpAsync(Socket from, Socket to, StreamDirection direction, List<(StreamDirection, byte[])> chunks)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                lock (chunks)
                {
                    chunks.Add((direction, buffer[..n]));
                }

                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            from.Close();
            to.Close();
        }
    }

    public void Dispose() => _stop.Dispose();
}
