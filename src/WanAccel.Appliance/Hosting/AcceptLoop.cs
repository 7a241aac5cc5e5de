using System.Net.Sockets;

namespace WanAccel.Appliance.Hosting;

/// <summary>The accept loop of the appliance's local listeners (rules, <c>wanaccel cp</c>): each client handled on its own task.</summary>
internal static class AcceptLoop
{
    /// <summary>Accepts until <paramref name="stopping"/> fires or the socket is closed; a failed accept (out of descriptors) is reported, then retried after 100 ms.</summary>
    public static async Task RunAsync(Socket listener, Func<Socket, Task> handle, Action<SocketException> failed, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping).ConfigureAwait(false);
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
