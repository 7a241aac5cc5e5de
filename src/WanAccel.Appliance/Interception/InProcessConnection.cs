using System.IO.Pipelines;

namespace WanAccel.Appliance.Interception;

/// <summary>
/// A flow's local end inside this process: the application (the HTTP proxy's client, the file service) gets
/// <see cref="Application"/> (or the same as <see cref="ApplicationStream"/>), the flow gets the other ends. Both
/// directions are bounded (1 MiB, like a socket's buffers), completing the application's output is a close (FIN), and a
/// failed flow fails the application's reads and writes.
/// </summary>
internal sealed class InProcessConnection : IFlowEndpoint
{
    private static readonly PipeOptions PipeOptions = new(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false);

    private readonly Pipe _fromApplication = new(PipeOptions);
    private readonly Pipe _toApplication = new(PipeOptions);

    public InProcessConnection()
    {
        Application = new DuplexPipe(_toApplication.Reader, _fromApplication.Writer);
        ApplicationStream = new DuplexPipeStream(Application.Input, Application.Output);
    }

    /// <summary>The application's end: reads what the far side sent, writes what goes to it.</summary>
    public IDuplexPipe Application { get; }

    /// <summary><see cref="Application"/> as a stream (disposing it closes both directions).</summary>
    public Stream ApplicationStream { get; }

    public PipeReader Input => _fromApplication.Reader;

    public PipeWriter Output => _toApplication.Writer;

    public void Abort()
    {
        var reset = new IOException("The connection was reset by the WanAccel flow.");
        _toApplication.Writer.Complete(reset);
        _fromApplication.Reader.Complete(reset);
    }

    /// <summary>Nothing to drain: what the flow wrote waits in the pipe for the application.</summary>
    public Task CloseAsync(TimeSpan drainTimeout) => Task.CompletedTask;

    public ValueTask DisposeAsync()
    {
        Abort();
        return ValueTask.CompletedTask;
    }
}
