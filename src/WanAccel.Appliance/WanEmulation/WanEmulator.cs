using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace WanAccel.Appliance.WanEmulation;

/// <summary>
/// A user-space WAN link emulator: a TCP relay from <see cref="LocalEndPoint"/> to the target through one
/// emulated link per direction (rate, RTT, loss stalls, window limit, bounded queue).
/// <c>await using var emu = await WanEmulator.StartAsync(options, ct);</c>
/// </summary>
/// <remarks>
/// Time is the real clock (<see cref="System.Diagnostics.Stopwatch"/>), not an injected TimeProvider: the
/// emulator's purpose is to delay real sockets, and its scheduler threads sleep on the OS clock.
/// </remarks>
public sealed class WanEmulator : IAsyncDisposable
{
    private readonly WanEmulatorOptions _options;
    private readonly ILogger _logger;
    private readonly Socket _listener;
    private readonly WanLink _clientToTarget;
    private readonly WanLink _targetToClient;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly SemaphoreSlim _slots;
    private Task _acceptLoop = Task.CompletedTask;
    private Task? _stopped;
    private long _accepted;
    private long _failed;
    private long _aborted;

    private WanEmulator(WanEmulatorOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _slots = new SemaphoreSlim(options.MaxConnections);
        _clientToTarget = new WanLink("client->target", options);
        _targetToClient = new WanLink("target->client", options);
        _listener = new Socket(options.ListenEndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
    }

    /// <summary>The options in force.</summary>
    public WanEmulatorOptions Options => _options;

    /// <summary>Where clients connect (the actual port when the options asked for port 0).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Counters per direction and connection counts.</summary>
    public WanEmulatorStatistics Statistics => new()
    {
        ActiveConnections = _connections.Count,
        AcceptedConnections = Interlocked.Read(ref _accepted),
        FailedConnections = Interlocked.Read(ref _failed),
        AbortedConnections = Interlocked.Read(ref _aborted),
        ClientToTarget = _clientToTarget.Statistics,
        TargetToClient = _targetToClient.Statistics,
    };

    /// <summary>Validates the options, binds the listener and starts relaying.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every error.</exception>
    public static Task<WanEmulator> StartAsync(WanEmulatorOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, null, cancellationToken);

    /// <inheritdoc cref="StartAsync(WanEmulatorOptions, CancellationToken)"/>
    public static Task<WanEmulator> StartAsync(WanEmulatorOptions options, ILogger? logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid WAN emulator options: " + string.Join("; ", errors), nameof(options));
        }

        var emulator = new WanEmulator(options, logger ?? NullLogger.Instance);
        try
        {
            emulator._listener.Bind(options.ListenEndPoint);
            emulator._listener.Listen(1024);
        }
        catch
        {
            emulator._listener.Dispose();
            throw;
        }

        emulator._clientToTarget.Start();
        emulator._targetToClient.Start();
        emulator._acceptLoop = emulator.AcceptLoopAsync();
        if (emulator._logger.IsEnabled(LogLevel.Information))
        {
            var rate = WanUnits.FormatRate(options.RateBitsPerSecond);
            WanEmulatorLog.Started(emulator._logger, emulator.LocalEndPoint, options.TargetEndPoint!, rate,
                options.Rtt.TotalMilliseconds, options.LossProbability, options.WindowBytes, options.EffectiveQueueBytes);
        }

        return Task.FromResult(emulator);
    }

    /// <summary>Stops accepting, resets the connections in progress and stops the link threads. Idempotent.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_connections)
        {
            _stopped ??= StopCoreAsync();
        }

        return _stopped.WaitAsync(cancellationToken);
    }

    /// <summary>Same as <see cref="StopAsync"/>.</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task StopCoreAsync()
    {
        var endPoint = LocalEndPoint;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        _clientToTarget.Stop();
        _targetToClient.Stop();
        _stopping.Dispose();
        _slots.Dispose();
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var accepted = Interlocked.Read(ref _accepted);
            WanEmulatorLog.Stopped(_logger, endPoint, accepted);
        }
    }

    private async Task AcceptLoopAsync()
    {
        var token = _stopping.Token;
        try
        {
            while (true)
            {
                await _slots.WaitAsync(token).ConfigureAwait(false);
                var client = await _listener.AcceptAsync(token).ConfigureAwait(false);
                var id = Interlocked.Increment(ref _accepted);
                WanEmulatorLog.Accepted(_logger, id, client.RemoteEndPoint);
                var connection = new WanRelayConnection(id, client, _options, _clientToTarget, _targetToClient, _logger, token);
                _connections[id] = RunConnectionAsync(id, connection);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException ex) when (token.IsCancellationRequested || ex.SocketErrorCode == SocketError.OperationAborted)
        {
        }
        catch (SocketException ex)
        {
            WanEmulatorLog.AcceptFailed(_logger, LocalEndPoint, ex);
        }
    }

    private async Task RunConnectionAsync(long id, WanRelayConnection connection)
    {
        await Task.Yield();
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            if (connection.ConnectFailed)
            {
                Interlocked.Increment(ref _failed);
            }
            else if (connection.Aborted)
            {
                Interlocked.Increment(ref _aborted);
            }

            _connections.TryRemove(id, out _);
            _slots.Release();
        }
    }
}
