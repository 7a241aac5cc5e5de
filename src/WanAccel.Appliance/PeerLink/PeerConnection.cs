using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace WanAccel.Appliance.PeerLink;

/// <summary>
/// One authenticated TLS 1.3 connection to a peer carrying many channels. Three loops: the reader dispatches frames,
/// the writer schedules control frames first then one DATA frame per ready channel in round-robin, the pinger
/// measures RTT and closes a silent connection. When either the reader or the writer stops, every channel still open
/// is aborted with <see cref="PeerChannelResetException"/> (<see cref="PeerResetCode.ConnectionLost"/>).
/// </summary>
internal sealed partial class PeerConnection
{
    private readonly Socket _socket;
    private readonly SslStream _ssl;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly PeerLinkHello _remoteHello;
    private readonly bool _isClient;
    private readonly PeerLinkContext _context;
    private readonly Dictionary<ulong, PeerChannel> _channels = [];
    private readonly Lock _channelsLock = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _sendFramePayload;
    private readonly int _outputPauseBytes;
    private bool _closed;
    private long _nextLocalId;
    private ulong _lastRemoteId;
    private long _channelsTotal;
    private Exception? _abortReason;

    public PeerConnection(Socket socket, SslStream ssl, PipeReader reader, PipeWriter writer, PeerLinkHello remoteHello, bool isClient, string peerName, string fingerprint, PeerLinkContext context)
    {
        _socket = socket;
        _ssl = ssl;
        _reader = reader;
        _writer = writer;
        _remoteHello = remoteHello;
        _isClient = isClient;
        _context = context;
        PeerName = peerName;
        RemoteFingerprint = fingerprint;
        RemoteEndPoint = socket.RemoteEndPoint?.ToString() ?? "?";
        _nextLocalId = isClient ? 1 : 2; // odd ids: connecting side; even: listening side (never 0, the connection's own)
        _sendFramePayload = Math.Min(remoteHello.MaxFramePayload, context.Options.MaxFramePayloadBytes);
        _outputPauseBytes = 2 * _sendFramePayload;
        _lastReceive = context.Time.GetTimestamp();
    }

    public string PeerName { get; }

    public string RemoteFingerprint { get; }

    public string RemoteEndPoint { get; }

    public int ChannelCount
    {
        get
        {
            lock (_channelsLock)
            {
                return _channels.Count;
            }
        }
    }

    public bool IsOpen => !_cts.IsCancellationRequested;

    public Task Completion => _done.Task;

    private ILogger Logger => _context.Logger;

    public void Start()
    {
        PeerLinkLog.ConnectionUp(Logger, PeerName, RemoteEndPoint, RemoteFingerprint, _isClient ? "outgoing" : "incoming");
        _context.OnConnectionUp(PeerName, _remoteHello.Instance);
        _ = RunAsync();
    }

    /// <summary>Opens a channel without a round trip: OPEN is queued and DATA may follow it immediately.</summary>
    public PeerChannel OpenChannel(ReadOnlyMemory<byte> metadata)
    {
        if (metadata.Length > _context.Options.MaxOpenMetadataBytes)
        {
            throw new ArgumentException($"Open metadata of {metadata.Length} bytes exceeds MaxOpenMetadataBytes ({_context.Options.MaxOpenMetadataBytes}).", nameof(metadata));
        }

        var copy = metadata.ToArray();
        PeerChannel channel;
        lock (_channelsLock)
        {
            if (_closed || !IsOpen)
            {
                throw new PeerChannelResetException(PeerResetCode.ConnectionLost, "the connection is closing", byRemote: false);
            }

            var id = (ulong)_nextLocalId;
            _nextLocalId += 2;
            channel = NewChannel(id, copy, openedLocally: true);
            _channels.Add(id, channel);
            _channelsTotal++;

            // Queued under the same lock that hands out ids: the peer requires OPENs in increasing id order and kills
            // the connection otherwise (lock order _channelsLock → _scheduleLock; nothing takes them the other way).
            EnqueueControl(new PeerControlFrame(channel.Id, PeerFrameType.Open, 0, copy));
        }

        _context.Statistics.ChannelOpened();
        return channel;
    }

    /// <summary>Closes the connection; the first reason given is the one channels and logs see.</summary>
    public void Abort(Exception reason)
    {
        Interlocked.CompareExchange(ref _abortReason, reason, null);
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose(); // fails any read or write in flight at once
    }

    internal void Remove(PeerChannel channel)
    {
        lock (_channelsLock)
        {
            _channels.Remove(channel.Id);
        }

        _context.Statistics.ChannelClosed();
    }

    internal void LogReset(ulong channel, PeerResetCode code, string side, string? message) =>
        PeerLinkLog.ChannelReset(Logger, channel, PeerName, code, side, message);

    private PeerChannel NewChannel(ulong id, byte[] metadata, bool openedLocally) =>
        new(this, id, metadata, openedLocally, _remoteHello.ChannelWindow, _context.Options.ChannelWindowBytes, _outputPauseBytes);

    private async Task RunAsync()
    {
        _context.Statistics.ConnectionUp();
        try
        {
            EnqueueControl(new PeerControlFrame(0, PeerFrameType.Ping, _context.Time.GetTimestamp())); // first RTT sample now
            var reading = ReadLoopAsync(_cts.Token);
            var writing = WriteLoopAsync(_cts.Token);
            var pinging = PingLoopAsync(_cts.Token);
            var first = await Task.WhenAny(reading, writing).ConfigureAwait(false);
            Abort(first.Exception?.GetBaseException() ?? new IOException("connection closed"));
            try
            {
                await Task.WhenAll(reading, writing, pinging).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Already recorded as the abort reason (or a consequence of it).
            }
        }
        finally
        {
            await CloseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>After the loops stopped: fail the open channels, release the TLS stream, complete <see cref="Completion"/>.</summary>
    private async Task CloseAsync()
    {
        List<PeerChannel> open;
        lock (_channelsLock)
        {
            _closed = true;
            open = [.. _channels.Values];
        }

        var reason = _abortReason ?? new IOException("connection closed");
        foreach (var channel in open)
        {
            channel.AbortFromConnection(reason);
        }

        // Completing a StreamPipeWriter flushes what is buffered; the socket is gone, so that may throw.
        await IgnoreFailure(() => _reader.CompleteAsync()).ConfigureAwait(false);
        await IgnoreFailure(() => _writer.CompleteAsync()).ConfigureAwait(false);
        await IgnoreFailure(() => _ssl.DisposeAsync()).ConfigureAwait(false);
        _context.Statistics.ConnectionDown();
        var total = Interlocked.Read(ref _channelsTotal);
        PeerLinkLog.ConnectionClosed(Logger, PeerName, RemoteEndPoint, total, reason.Message);
        _done.TrySetResult();
    }

    private static async ValueTask IgnoreFailure(Func<ValueTask> close)
    {
        try
        {
            await close().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Closing after an abort: the error that matters is the abort reason.
        }
    }
}
