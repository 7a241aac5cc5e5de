using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace WanAccel.Appliance.PeerLink;

/// <summary>The reader loop: parses frames and hands them to channels without ever waiting on an application.</summary>
internal sealed partial class PeerConnection
{
    private long _lastReceive;
    private long _smoothedRttTicks = -1;

    /// <summary>Smoothed RTT of this connection (PING/PONG, RFC 6298 weights); null before the first PONG.</summary>
    public TimeSpan? SmoothedRtt => Volatile.Read(ref _smoothedRttTicks) is var t and >= 0 ? TimeSpan.FromTicks(t) : null;

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        var options = _context.Options;
        var maxPayload = Math.Max(Math.Max(options.MaxFramePayloadBytes, options.MaxOpenMetadataBytes), PeerFrameCodec.MaxResetMessageBytes + 16);
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                var before = buffer.Length;
                while (PeerFrameCodec.TryRead(ref buffer, maxPayload, out var frame))
                {
                    Dispatch(frame);
                }

                _context.Statistics.AddReceived(before - buffer.Length);
                Volatile.Write(ref _lastReceive, _context.Time.GetTimestamp());
                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    throw new IOException(buffer.IsEmpty ? "the peer closed the connection" : "the peer closed the connection inside a frame");
                }
            }
        }
        catch (PeerLinkProtocolException ex)
        {
            PeerLinkLog.ProtocolError(Logger, PeerName, ex.Message);
            throw;
        }
    }

    private void Dispatch(in PeerFrame frame)
    {
        switch (frame.Type)
        {
            case PeerFrameType.Ping:
                EnqueueControl(new PeerControlFrame(0, PeerFrameType.Pong, ReadPingValue(frame)));
                return;
            case PeerFrameType.Pong:
                OnPong(ReadPingValue(frame));
                return;
            case PeerFrameType.Open:
                OnOpen(frame);
                return;
        }

        if (frame.ChannelId == 0)
        {
            throw new PeerLinkProtocolException($"{frame.Type} on channel 0");
        }

        PeerChannel? channel;
        lock (_channelsLock)
        {
            _channels.TryGetValue(frame.ChannelId, out channel);
        }

        if (channel is null)
        {
            if (IsLocalId(frame.ChannelId) ? frame.ChannelId >= (ulong)Interlocked.Read(ref _nextLocalId) : frame.ChannelId > _lastRemoteId)
            {
                throw new PeerLinkProtocolException($"{frame.Type} for channel {frame.ChannelId}, which was never opened");
            }

            return; // finished or reset here; the peer's frame crossed ours
        }

        switch (frame.Type)
        {
            case PeerFrameType.Data:
                if (frame.Payload.Length > _context.Options.MaxFramePayloadBytes)
                {
                    throw new PeerLinkProtocolException($"DATA of {frame.Payload.Length} bytes exceeds the {_context.Options.MaxFramePayloadBytes} announced");
                }

                if (!channel.OnData(frame.Payload))
                {
                    channel.Reset(PeerResetCode.FlowControlError, "DATA beyond the granted window");
                }

                return;
            case PeerFrameType.Credit:
                var credit = PeerFrameCodec.ReadVarInt(frame.Payload, out var consumed);
                if (consumed != frame.Payload.Length || credit == 0 || !channel.OnCredit((long)Math.Min(credit, int.MaxValue)))
                {
                    throw new PeerLinkProtocolException($"bad CREDIT on channel {frame.ChannelId}");
                }

                return;
            case PeerFrameType.Fin:
                if (!frame.Payload.IsEmpty)
                {
                    throw new PeerLinkProtocolException("FIN with a payload");
                }

                channel.OnFin();
                return;
            case PeerFrameType.Reset:
                var code = PeerFrameCodec.ReadVarInt(frame.Payload, out var codeLength);
                var message = Encoding.UTF8.GetString(frame.Payload.Slice(codeLength));
                channel.OnRemoteReset(code <= (ulong)PeerResetCode.DestinationError ? (PeerResetCode)code : PeerResetCode.InternalError, message);
                return;
        }
    }

    private void OnOpen(in PeerFrame frame)
    {
        var id = frame.ChannelId;
        if (id == 0 || IsLocalId(id) || id <= _lastRemoteId)
        {
            throw new PeerLinkProtocolException($"OPEN of channel {id}: wrong parity or not increasing");
        }

        if (frame.Payload.Length > _context.Options.MaxOpenMetadataBytes)
        {
            throw new PeerLinkProtocolException($"OPEN metadata of {frame.Payload.Length} bytes exceeds {_context.Options.MaxOpenMetadataBytes}");
        }

        _lastRemoteId = id;
        var metadata = frame.Payload.ToArray();
        var channel = NewChannel(id, metadata, openedLocally: false);
        bool tooMany;
        lock (_channelsLock)
        {
            tooMany = _channels.Count >= _context.Options.MaxChannelsPerConnection;
            _channels.Add(id, channel);
            _channelsTotal++;
        }

        _context.Statistics.ChannelOpened();
        if (_context.Handler is null || tooMany)
        {
            channel.Reset(PeerResetCode.Refused, tooMany ? "too many channels on this connection" : "this side accepts no channels");
            return;
        }

        _ = RunHandlerAsync(_context.Handler, channel, metadata);
    }

    private async Task RunHandlerAsync(PeerChannelHandler handler, PeerChannel channel, ReadOnlyMemory<byte> metadata)
    {
        await Task.Yield(); // off the reader loop
        try
        {
            await handler(channel, metadata).ConfigureAwait(false);
            await channel.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (ex is not PeerChannelResetException)
            {
                PeerLinkLog.HandlerFailed(Logger, channel.Id, PeerName, ex);
            }

            channel.Reset(PeerResetCode.InternalError, ex.Message);
        }
    }

    private bool IsLocalId(ulong id) => (id & 1) == (_isClient ? 1UL : 0UL);

    private static long ReadPingValue(in PeerFrame frame)
    {
        if (frame.ChannelId != 0 || frame.Payload.Length != 8)
        {
            throw new PeerLinkProtocolException($"{frame.Type} must be 8 bytes on channel 0");
        }

        Span<byte> value = stackalloc byte[8];
        frame.Payload.CopyTo(value);
        return BinaryPrimitives.ReadInt64BigEndian(value);
    }

    private void OnPong(long sentTimestamp)
    {
        var now = _context.Time.GetTimestamp();
        if (sentTimestamp <= 0 || sentTimestamp > now)
        {
            return; // not one of ours
        }

        var rtt = _context.Time.GetElapsedTime(sentTimestamp, now).Ticks;
        var previous = Volatile.Read(ref _smoothedRttTicks);
        var smoothed = previous < 0 ? rtt : previous + ((rtt - previous) / 8);
        Volatile.Write(ref _smoothedRttTicks, smoothed);
        _context.Statistics.SetSmoothedRtt(TimeSpan.FromTicks(smoothed));
    }

    private async Task PingLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_context.Options.PingInterval, _context.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var silent = _context.Time.GetElapsedTime(Volatile.Read(ref _lastReceive));
                if (silent > _context.Options.IdleTimeout)
                {
                    Abort(new TimeoutException($"nothing received from the peer for {silent.TotalSeconds:F0} s"));
                    return;
                }

                EnqueueControl(new PeerControlFrame(0, PeerFrameType.Ping, _context.Time.GetTimestamp()));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
