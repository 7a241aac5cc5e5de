using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace WanAccel.Appliance.WanEmulation;

/// <summary>
/// One client relayed to the target through the two links. Half-closes travel in order behind the data;
/// an error or reset on either side resets both (SO_LINGER 0), as a middlebox losing the flow would.
/// </summary>
internal sealed class WanRelayConnection
{
    private readonly long _id;
    private readonly Socket _client;
    private readonly Socket _target;
    private readonly WanEmulatorOptions _options;
    private readonly WanLink _clientToTarget;
    private readonly WanLink _targetToClient;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cancel;
    private Exception? _abort;

    public WanRelayConnection(long id, Socket client, WanEmulatorOptions options, WanLink clientToTarget, WanLink targetToClient, ILogger logger, CancellationToken stopping)
    {
        _id = id;
        _client = client;
        _options = options;
        _clientToTarget = clientToTarget;
        _targetToClient = targetToClient;
        _logger = logger;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _target = new Socket(options.TargetEndPoint!.AddressFamily == AddressFamily.Unspecified ? AddressFamily.InterNetworkV6 : options.TargetEndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (_target.AddressFamily == AddressFamily.InterNetworkV6)
        {
            _target.DualMode = true;
        }

        // The emulator adds the delay; Nagle on top would add another, data-dependent one.
        _client.NoDelay = true;
        _target.NoDelay = true;
    }

    /// <summary>True when the connection was reset rather than closed by both sides.</summary>
    public bool Aborted => _abort is not null;

    /// <summary>True when the target could not be reached.</summary>
    public bool ConnectFailed { get; private set; }

    public async Task RunAsync()
    {
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cancel.Token))
            {
                timeout.CancelAfter(_options.ConnectTimeout);
                try
                {
                    await _target.ConnectAsync(_options.TargetEndPoint!, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                {
                    ConnectFailed = true;
                    if (!_cancel.IsCancellationRequested)
                    {
                        WanEmulatorLog.ConnectFailed(_logger, _id, _options.TargetEndPoint!, ex);
                    }

                    Abort(ex);
                    return;
                }
            }

            var up = new WanPump(_client, _target, _clientToTarget, _options.WindowBytes);
            var down = new WanPump(_target, _client, _targetToClient, _options.WindowBytes);
            await Task.WhenAll(
                GuardAsync(up.ReadAsync),
                GuardAsync(up.WriteAsync),
                GuardAsync(down.ReadAsync),
                GuardAsync(down.WriteAsync)).ConfigureAwait(false);

            if (_abort is null)
            {
                WanEmulatorLog.Closed(_logger, _id);
                _client.Dispose();
                _target.Dispose();
            }
            else if (_abort is not OperationCanceledException)
            {
                WanEmulatorLog.Aborted(_logger, _id, _abort);
            }
        }
        finally
        {
            _cancel.Dispose();
        }
    }

    private async Task GuardAsync(Func<CancellationToken, Task> pump)
    {
        try
        {
            await pump(_cancel.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any failure of one direction ends the connection; it is logged once, not rethrown.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Abort(ex);
        }
    }

    private void Abort(Exception reason)
    {
        if (Interlocked.CompareExchange(ref _abort, reason, null) is not null)
        {
            return;
        }

        _cancel.Cancel();
        Reset(_client);
        Reset(_target);
    }

    private static void Reset(Socket socket)
    {
        try
        {
            if (socket.Connected)
            {
                socket.LingerState = new LingerOption(true, 0);
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        socket.Dispose();
    }
}
