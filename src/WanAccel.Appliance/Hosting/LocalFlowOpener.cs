using WanAccel.Appliance.Interception;
using WanAccel.Appliance.PeerLink;

namespace WanAccel.Appliance.Hosting;

/// <summary>Opens the peer channel of a flow that starts on this appliance (a rule's client, the HTTP proxy's connection).</summary>
internal static class LocalFlowOpener
{
    /// <summary>
    /// Opens a channel to <paramref name="peer"/> asking it to connect to the request's destination, waiting at most
    /// <see cref="FlowSettings.OpenTimeout"/> for the link; on failure ends <paramref name="record"/> and throws
    /// <see cref="IOException"/> with a message fit for the client (or, when <paramref name="cancellationToken"/> fired,
    /// <see cref="OperationCanceledException"/>: the client gave up).
    /// </summary>
    public static async Task<PeerChannel> OpenAsync(ApplianceServices services, FlowRecord record, string peer, FlowOpenRequest request, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(services.Stopping, cancellationToken);
            timeout.CancelAfter(services.Options.Flow.OpenTimeout);
            return await services.Peers.OpenChannelAsync(peer, request.ToBytes(), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var error = e is OperationCanceledException
                ? new IOException($"peer '{peer}' is not reachable (link down for {services.Options.Flow.OpenTimeout.TotalSeconds:0.#} s)")
                : new IOException(e.Message, e);
            services.Runner.Fail(record, error);
            cancellationToken.ThrowIfCancellationRequested();
            throw error;
        }
    }
}
