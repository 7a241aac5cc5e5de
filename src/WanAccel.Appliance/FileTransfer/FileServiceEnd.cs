using System.IO.Pipelines;
using WanAccel.Appliance.Interception;

namespace WanAccel.Appliance.FileTransfer;

/// <summary>
/// The local side of a file-service flow: a <see cref="FileServer"/> on an in-memory duplex pipe instead of a socket,
/// so every file byte goes through the flow's engine (dedupe, zero runs, compression) like any TCP stream. A server
/// that fails (not with an ERROR record, which is a clean answer) fails its pipes, and the flow is reset.
/// </summary>
internal sealed class FileServiceEnd : IFlowEndpoint
{
    private readonly InProcessConnection _connection = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _serving;

    public FileServiceEnd(FileServer server)
    {
        _serving = ServeAsync(server);
    }

    /// <summary>What the server writes, for the flow to encode.</summary>
    public PipeReader Input => _connection.Input;

    /// <summary>What the flow decoded, for the server to read.</summary>
    public PipeWriter Output => _connection.Output;

    public async Task CloseAsync(TimeSpan drainTimeout)
    {
        try
        {
            await _serving.WaitAsync(drainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Abort();
            await _serving.ConfigureAwait(false);
        }
    }

    public void Abort()
    {
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Abort();
        await _serving.ConfigureAwait(false);
        _abort.Dispose();
    }

    private async Task ServeAsync(FileServer server)
    {
        await Task.Yield();
        try
        {
            await server.RunAsync(_connection.Application, _abort.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var error = e as IOException ?? new IOException($"The file service failed: {e.Message}", e);
            await _connection.Application.Output.CompleteAsync(error).ConfigureAwait(false);
            await _connection.Application.Input.CompleteAsync(error).ConfigureAwait(false);
        }
    }
}
