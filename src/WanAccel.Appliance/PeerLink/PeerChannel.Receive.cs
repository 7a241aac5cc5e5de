using System.Buffers;

namespace WanAccel.Appliance.PeerLink;

/// <summary>Incoming side: frames from the connection's reader loop, credit back as the application consumes.</summary>
public sealed partial class PeerChannel
{
    private readonly int _receiveWindow;
    private readonly int _creditThreshold;
    private long _bytesReceived;
    private long _consumed;
    private long _unacknowledged; // consumed, not yet credited back
    private long _outstanding;    // received, not yet credited back: must stay ≤ _receiveWindow

    /// <summary>DATA from the peer (reader loop). False when it exceeds the window granted (the caller resets the channel).</summary>
    internal bool OnData(in ReadOnlySequence<byte> payload)
    {
        var length = payload.Length;
        if (Interlocked.Add(ref _outstanding, length) > _receiveWindow)
        {
            return false;
        }

        bool dropped;
        lock (_sync)
        {
            if (_inputWriterDone)
            {
                // After our reset or the peer's FIN: frames in flight; nothing reaches the application.
                return true;
            }

            Interlocked.Add(ref _bytesReceived, length);
            dropped = _inputReaderDone;
            if (!dropped)
            {
                var writer = _inputPipe.Writer;
                foreach (var segment in payload)
                {
                    writer.Write(segment.Span);
                }

                // Never waits: the pipe has no pause threshold, the window bounds it.
                var flush = writer.FlushAsync();
                if (flush.IsCompleted)
                {
                    flush.GetAwaiter().GetResult();
                }
                else
                {
                    _ = flush.AsTask();
                }
            }
        }

        if (dropped)
        {
            OnInputConsumed(length);
        }

        return true;
    }

    internal void OnFin()
    {
        lock (_sync)
        {
            if (_inputWriterDone)
            {
                return;
            }

            _inputWriterDone = true;
            _remoteFin = true;
            _inputPipe.Writer.Complete();
        }

        TryFinish();
    }

    internal void OnRemoteReset(PeerResetCode code, string? message)
    {
        if (Fail(new PeerChannelResetException(code, message, byRemote: true)))
        {
            _connection.LogReset(Id, code, "peer", message);
        }
    }

    /// <summary>The application consumed <paramref name="bytes"/>: credit the peer once a quarter window has accumulated.</summary>
    internal void OnInputConsumed(long bytes)
    {
        Interlocked.Add(ref _consumed, bytes);
        if (Interlocked.Add(ref _unacknowledged, bytes) < _creditThreshold)
        {
            return;
        }

        lock (_sync)
        {
            if (_remoteFin || _failure is not null)
            {
                return; // the peer sends no more DATA
            }
        }

        var grant = Interlocked.Exchange(ref _unacknowledged, 0);
        if (grant > 0)
        {
            Interlocked.Add(ref _outstanding, -grant);
            _connection.EnqueueControl(new PeerControlFrame(Id, PeerFrameType.Credit, grant));
        }
    }

    internal void OnInputReaderCompleted()
    {
        lock (_sync)
        {
            if (_inputReaderDone)
            {
                return;
            }

            _inputReaderDone = true;
        }

        // What the pipe held is discarded with it: give its credit back so the peer is not stalled.
        var unread = Volatile.Read(ref _bytesReceived) - Volatile.Read(ref _consumed);
        if (unread > 0)
        {
            OnInputConsumed(unread);
        }
    }
}
