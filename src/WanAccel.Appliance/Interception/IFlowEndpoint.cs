using System.IO.Pipelines;

namespace WanAccel.Appliance.Interception;

/// <summary>
/// The local end of a flow: a TCP connection (<see cref="SocketPipe"/>) or an in-process one (<see cref="InProcessConnection"/>).
/// Completing <see cref="IDuplexPipe.Output"/> normally is a half-close (FIN); completing it with an error is a reset.
/// </summary>
internal interface IFlowEndpoint : IDuplexPipe, IAsyncDisposable
{
    /// <summary>Resets the connection now and fails both directions.</summary>
    void Abort();

    /// <summary>Closes after the flow completed both pipes: waits up to <paramref name="drainTimeout"/> for the last bytes to be taken, else resets.</summary>
    Task CloseAsync(TimeSpan drainTimeout);
}
