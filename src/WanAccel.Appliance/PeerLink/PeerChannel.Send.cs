using System.IO.Pipelines;

namespace WanAccel.Appliance.PeerLink;

/// <summary>Outgoing side: the connection's scheduler turns the send pipe into DATA frames within the peer's credit.</summary>
public sealed partial class PeerChannel
{
    private long _sendCredit;
    private long _bytesSent;
    private long _appWritten;
    private long _creditReturnedToUs;

    /// <summary>In the connection's ready queue (guarded by the connection's scheduler lock).</summary>
    internal bool Queued { get; set; }

    internal void OnOutputWritten(int bytes) => Interlocked.Add(ref _appWritten, bytes);

    internal void OnOutputReady() => _connection.MarkReady(this);

    internal void ThrowIfOutputFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Peer granted <paramref name="bytes"/> more; false when that overflows the 1 GiB window bound (protocol error).</summary>
    internal bool OnCredit(long bytes)
    {
        Interlocked.Add(ref _creditReturnedToUs, bytes);
        if (Interlocked.Add(ref _sendCredit, bytes) > PeerLinkHello.MaxWindow)
        {
            return false;
        }

        _connection.MarkReady(this);
        return true;
    }

    /// <summary>
    /// Scheduler turn (single writer thread): writes at most one DATA frame of up to <paramref name="maxPayload"/> bytes,
    /// or FIN once the application completed <see cref="Output"/> and everything was sent. True when the channel
    /// has more to send right away and goes to the back of the round-robin queue.
    /// </summary>
    internal bool ServiceOutbound(PipeWriter output, int maxPayload, ref long frameBytes)
    {
        PeerChannelResetException? failure;
        lock (_sync)
        {
            if (_outputDone)
            {
                return false;
            }

            failure = _failure;
        }

        var reader = _outputPipe.Reader;
        if (failure is not null)
        {
            FinishOutput(reader, failure, fin: false);
            return false;
        }

        ReadResult result;
        try
        {
            if (!reader.TryRead(out result))
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is not PeerChannelResetException)
        {
            // The application completed Output with an exception: that is a reset, not a FIN.
            Reset(PeerResetCode.InternalError, ex.Message);
            return false;
        }

        var buffer = result.Buffer;
        var credit = Interlocked.Read(ref _sendCredit);
        var n = (int)Math.Min(Math.Min(buffer.Length, credit), maxPayload);
        if (n > 0)
        {
            frameBytes += PeerFrameCodec.Write(output, Id, PeerFrameType.Data, buffer.Slice(0, n));
            Interlocked.Add(ref _sendCredit, -n);
            Interlocked.Add(ref _bytesSent, n);
        }

        if (n == buffer.Length && result.IsCompleted)
        {
            reader.AdvanceTo(buffer.End);
            frameBytes += PeerFrameCodec.Write(output, Id, PeerFrameType.Fin, ReadOnlySpan<byte>.Empty);
            FinishOutput(reader, null, fin: true);
            return false;
        }

        reader.AdvanceTo(buffer.GetPosition(n));
        return n < buffer.Length && Interlocked.Read(ref _sendCredit) > 0;
    }

    /// <summary>The connection is gone and its scheduler stopped: fail whatever is still open.</summary>
    internal void AbortFromConnection(Exception cause)
    {
        var lost = new PeerChannelResetException(PeerResetCode.ConnectionLost, cause.Message, byRemote: false, cause);
        lock (_sync)
        {
            if (_finished)
            {
                return;
            }

            _failure ??= lost;
            if (!_inputWriterDone)
            {
                _inputWriterDone = true;
                _inputPipe.Writer.Complete(_failure);
            }

            if (!_outputDone)
            {
                _outputDone = true;
                _outputPipe.Reader.Complete(_failure);
            }
        }

        TryFinish();
    }

    private void FinishOutput(PipeReader reader, Exception? failure, bool fin)
    {
        reader.Complete(failure);
        lock (_sync)
        {
            _outputDone = true;
            _localFin = fin;
        }

        TryFinish();
    }
}
