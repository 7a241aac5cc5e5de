using System.Net;
using System.Net.Sockets;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>Loopback ports for programs that cannot be told to pick one (rsync daemon).</summary>
internal static class LoopbackPort
{
    /// <summary>A port free a moment ago; the program that binds it may still lose a race, so callers retry.</summary>
    public static IPEndPoint Free()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (IPEndPoint)probe.LocalEndPoint!;
    }

    /// <summary>
    /// Starts a server that listens on a port it is given: <paramref name="start"/> writes its configuration for a free
    /// port and starts it; when it exits before listening (it lost the port to someone else), another port is tried,
    /// up to five times. Returns the running server and its address.
    /// </summary>
    public static async Task<(ExternalProcess Process, IPEndPoint EndPoint)> StartServerAsync(Func<IPEndPoint, Task<ExternalProcess>> start, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var endPoint = Free();
            var process = await start(endPoint);
            try
            {
                await WaitListeningAsync(process, endPoint, cancellationToken);
                return (process, endPoint);
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
                await process.DisposeAsync();
            }
            catch
            {
                await process.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Waits (at most 20 s) until <paramref name="endPoint"/> accepts connections; fails when <paramref name="server"/> exits first.</summary>
    public static async Task WaitListeningAsync(ExternalProcess server, IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(20));
        while (true)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"the server exited before listening on {endPoint}: {server.ErrorText}");
            }

            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(endPoint, bound.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20, bound.Token);
            }
        }
    }
}
