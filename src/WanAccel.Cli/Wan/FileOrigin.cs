using System.Net;
using System.Net.Sockets;

namespace WanAccel.Cli.Wan;

/// <summary>
/// The origin server of the demo and <c>bench wan</c>: a plain TCP file server on loopback that sends one file to every
/// connection, then closes its side (like <c>nc -l &lt; file</c>).
/// </summary>
internal sealed class FileOrigin : IAsyncDisposable
{
    private readonly string _path;
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public FileOrigin(string path)
    {
        _path = path;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        _accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var serving = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
                serving.Add(ServeAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        await Task.WhenAll(serving).ConfigureAwait(false);
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            try
            {
                await using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await using var stream = new NetworkStream(client, ownsSocket: false);
                await file.CopyToAsync(stream, 1 << 20, _stop.Token).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Send);

                // Wait for the client to close so the last bytes are not cut by an early close.
                var drain = new byte[256];
                while (await client.ReceiveAsync(drain, SocketFlags.None, _stop.Token).ConfigureAwait(false) > 0)
                {
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
            }
        }
    }
}
