using System.IO.Pipelines;

namespace WanAccel.Appliance.Hosting;

/// <summary>
/// The local side of a flow: a client or destination socket (<see cref="Interception.SocketPipe"/>), or an in-process
/// service (<see cref="FileTransfer.FileServiceEnd"/>). Completing its output with an error must look like a reset.
/// </summary>
internal interface IFlowLocalEnd : IDuplexPipe, IAsyncDisposable
{
    /// <summary>After a clean flow: lets the last bytes reach the local side (up to <paramref name="drainTimeout"/>), then closes.</summary>
    Task CloseAsync(TimeSpan drainTimeout);

    /// <summary>Ends the local side now, as a failure.</summary>
    void Abort();
}
