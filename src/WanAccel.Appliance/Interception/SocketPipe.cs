using System.IO.Pipelines;
using System.Net.Sockets;

namespace WanAccel.Appliance.Interception;

/// <summary>
/// A connected TCP socket as a duplex pipe with TCP's half-close: completing <see cref="Output"/> normally sends FIN
/// after the buffered bytes; completing it with an error resets the connection (RST), so the application on the other
/// end sees a failure rather than a stream that merely ended early.
/// </summary>
internal sealed class SocketPipe : IFlowEndpoint
{
    // Back-pressure: stop reading the socket when 1 MiB waits for the flow, resume at 512 KiB (Kestrel's defaults).
    private static readonly PipeOptions PipeOptions = new(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false);

    private readonly Socket _socket;
    private readonly Pipe _input = new(PipeOptions);
    private readonly Pipe _output = new(PipeOptions);
    private readonly Task _receiving;
    private readonly Task _sending;
    private int _aborted;

    public SocketPipe(Socket socket)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _receiving = ReceiveAsync();
        _sending = SendAsync();
    }

    public PipeReader Input => _input.Reader;

    public PipeWriter Output => _output.Writer;

    /// <summary>Completes when both directions have finished (FIN sent and received, or the connection failed).</summary>
    public Task Completion => Task.WhenAll(_receiving, _sending);

    /// <summary>Resets the connection now (RST) and fails both pipes.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Close();
    }

    /// <summary>
    /// Closes: when the flow completed both pipes cleanly, waits (up to <paramref name="drainTimeout"/>) for the
    /// last bytes to reach the socket and closes gracefully; otherwise, or on timeout, resets.
    /// </summary>
    public async Task CloseAsync(TimeSpan drainTimeout)
    {
        try
        {
            await _sending.WaitAsync(drainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Abort();
        }

        if (Volatile.Read(ref _aborted) == 0)
        {
            _socket.Dispose();
        }

        await Completion.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Abort();
        await Completion.ConfigureAwait(false);
    }

    private async Task ReceiveAsync()
    {
        var writer = _input.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(64 * 1024);
                var n = await _socket.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                writer.Advance(n);
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            error = new IOException($"The local connection failed: {e.Message}", e);
        }

        await writer.CompleteAsync(error).ConfigureAwait(false);
    }

    private async Task SendAsync()
    {
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                foreach (var segment in result.Buffer)
                {
                    await _socket.SendAsync(segment, SocketFlags.None).ConfigureAwait(false);
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            _socket.Shutdown(SocketShutdown.Send);
            await reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The flow failed (the writer completed with its error) or the socket broke: reset, never a clean FIN.
            Abort();
            await reader.CompleteAsync(e is SocketException or ObjectDisposedException ? e : null).ConfigureAwait(false);
        }
    }
}
