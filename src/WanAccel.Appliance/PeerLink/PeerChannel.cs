using System.IO.Pipelines;

namespace WanAccel.Appliance.PeerLink;

/// <summary>
/// One logical, flow-controlled byte stream in each direction between the two appliances (one per accelerated flow).
/// Write to <see cref="Output"/> and complete it to send FIN; read <see cref="Input"/> until it completes (the peer's FIN).
/// A reset or a lost connection makes both throw <see cref="PeerChannelResetException"/>: never a clean end of stream.
/// </summary>
public sealed partial class PeerChannel : IDuplexPipe, IAsyncDisposable
{
    private readonly PeerConnection _connection;
    private readonly Pipe _inputPipe;
    private readonly Pipe _outputPipe;
    private readonly ChannelInputReader _input;
    private readonly ChannelOutputWriter _output;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _sync = new();

    // Guarded by _sync.
    private bool _inputWriterDone;   // receive pipe completed: FIN, reset or connection loss
    private bool _remoteFin;
    private bool _inputReaderDone;   // the application stopped reading; further DATA is dropped and credited
    private bool _outputDone;        // send pipe reader completed by the scheduler: FIN sent, or aborted
    private bool _localFin;
    private bool _finished;
    private PeerChannelResetException? _failure;

    internal PeerChannel(PeerConnection connection, ulong id, ReadOnlyMemory<byte> metadata, bool openedLocally, int sendCredit, int receiveWindow, int outputPauseBytes)
    {
        _connection = connection;
        Id = id;
        Metadata = metadata;
        OpenedLocally = openedLocally;
        _sendCredit = sendCredit;
        _receiveWindow = receiveWindow;
        _creditThreshold = Math.Max(1, receiveWindow / 4);
        // Incoming: never pauses, the window bounds it. Outgoing: pauses the application at ~2 frames of unframed bytes.
        _inputPipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
        _outputPipe = new Pipe(new PipeOptions(pauseWriterThreshold: outputPauseBytes, resumeWriterThreshold: outputPauseBytes / 2, useSynchronizationContext: false));
        _input = new ChannelInputReader(this, _inputPipe.Reader);
        _output = new ChannelOutputWriter(this, _outputPipe.Writer);
    }

    /// <summary>Channel id on its connection: odd when the connecting side opened it, even for the listening side.</summary>
    public ulong Id { get; }

    /// <summary>The OPEN metadata (opaque to the peer link).</summary>
    public ReadOnlyMemory<byte> Metadata { get; }

    /// <summary>True when this side opened the channel.</summary>
    public bool OpenedLocally { get; }

    /// <summary>Name of the remote peer (from its pinned certificate).</summary>
    public string PeerName => _connection.PeerName;

    /// <summary>Bytes from the peer; completes at the peer's FIN, throws <see cref="PeerChannelResetException"/> on reset/loss.</summary>
    public PipeReader Input => _input;

    /// <summary>Bytes to the peer; <see cref="PipeWriter.Complete"/> sends FIN, with an exception sends RESET.</summary>
    public PipeWriter Output => _output;

    /// <summary>Completes when both FINs have passed; faults with <see cref="PeerChannelResetException"/> on reset or connection loss.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Flow-control and byte counters of this channel.</summary>
    public PeerChannelStatistics Statistics
    {
        get
        {
            var sent = Volatile.Read(ref _bytesSent);
            var received = Volatile.Read(ref _bytesReceived);
            var credit = Interlocked.Read(ref _sendCredit);
            return new PeerChannelStatistics(
                sent,
                received,
                credit,
                InFlightBytes: Interlocked.Read(ref _creditReturnedToUs) is var back ? sent - back : 0,
                PendingSendBytes: Volatile.Read(ref _appWritten) - sent,
                UnreadBytes: received - Volatile.Read(ref _consumed));
        }
    }

    /// <summary>
    /// Aborts both directions now: sends RESET with <paramref name="code"/> and <paramref name="message"/>, and fails
    /// local reads and writes. Does nothing when the channel already finished. Never blocks.
    /// </summary>
    public void Reset(PeerResetCode code = PeerResetCode.Cancelled, string? message = null)
    {
        if (code == PeerResetCode.ConnectionLost)
        {
            throw new ArgumentOutOfRangeException(nameof(code), "ConnectionLost is not sent on the wire.");
        }

        if (Fail(new PeerChannelResetException(code, message, byRemote: false)))
        {
            _connection.EnqueueControl(new PeerControlFrame(Id, PeerFrameType.Reset, (long)code, EncodeMessage(message)));
            _connection.LogReset(Id, code, "local", message);
        }
    }

    /// <summary><see cref="Reset"/> as a task, for callers that expect one; completes once the RESET is queued.</summary>
    public ValueTask ResetAsync(PeerResetCode code = PeerResetCode.Cancelled, string? message = null)
    {
        Reset(code, message);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Graceful: completes <see cref="Output"/> (FIN after the buffered bytes) and stops reading <see cref="Input"/>
    /// (later bytes from the peer are discarded). Use <see cref="Reset"/> to abort instead.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        _output.Complete();
        _input.Complete();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        lock (_sync)
        {
            var state = _failure is not null ? "reset" : _finished ? "closed" : _localFin ? (_remoteFin ? "closing" : "FIN sent") : _remoteFin ? "FIN received" : "open";
            return $"channel {Id} to {PeerName} ({state})";
        }
    }

    private static byte[]? EncodeMessage(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return null;
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(message);
        return bytes.Length <= PeerFrameCodec.MaxResetMessageBytes ? bytes : bytes[..PeerFrameCodec.MaxResetMessageBytes];
    }

    /// <summary>Marks the channel failed; true when this call did it (false when already finished or failed).</summary>
    private bool Fail(PeerChannelResetException failure)
    {
        lock (_sync)
        {
            if (_finished || _failure is not null)
            {
                return false;
            }

            _failure = failure;
            if (!_inputWriterDone)
            {
                _inputWriterDone = true;
                _inputPipe.Writer.Complete(failure);
            }
        }

        // The send pipe's reader belongs to the scheduler: it completes it with the failure on its next turn.
        _connection.MarkReady(this);
        TryFinish();
        return true;
    }

    private void TryFinish()
    {
        lock (_sync)
        {
            if (_finished || !_inputWriterDone || !_outputDone)
            {
                return;
            }

            _finished = true;
        }

        _connection.Remove(this);
        if (_failure is { } failure)
        {
            _completion.TrySetException(failure);
        }
        else
        {
            _completion.TrySetResult();
        }
    }
}
