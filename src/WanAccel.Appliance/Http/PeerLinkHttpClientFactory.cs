using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Interception;
using Yarp.ReverseProxy.Forwarder;

namespace WanAccel.Appliance.Http;

/// <summary>
/// YARP's outgoing HTTP clients, one per cluster, whose connections are flows: instead of a socket to the origin, each
/// connection opens a channel to the peer (which connects to the origin) and runs through the engine in this process.
/// Everything else is YARP's stock handler (no proxy, no redirects, no decompression, no cookies).
/// </summary>
internal sealed class PeerLinkHttpClientFactory(ApplianceServices services, string peer) : ForwarderHttpClientFactory
{
    private readonly ConcurrentDictionary<InProcessConnection, byte> _connections = new();

    /// <summary>
    /// Closes every origin connection (a FIN to the origin, the flow ends cleanly). Once the proxy stopped taking
    /// requests these are pooled keep-alive connections, which would otherwise hold the appliance's drain.
    /// </summary>
    public void CloseConnections()
    {
        foreach (var connection in _connections.Keys)
        {
            connection.ApplicationStream.Dispose();
        }
    }

    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        var cluster = context.ClusterId;
        handler.ConnectCallback = (connect, cancellationToken) => ConnectAsync(cluster, connect.DnsEndPoint, cancellationToken);
    }

    private async ValueTask<Stream> ConnectAsync(string cluster, DnsEndPoint origin, CancellationToken cancellationToken)
    {
        var destination = origin.Host.Contains(':', StringComparison.Ordinal) ? $"[{origin.Host}]:{origin.Port}" : $"{origin.Host}:{origin.Port}";
        var record = services.Flows.Register(cluster, "http", peer, destination, FlowOrigin.Local);
        var channel = await LocalFlowOpener.OpenAsync(services, record, peer, new FlowOpenRequest(destination, cluster, "http"), cancellationToken).ConfigureAwait(false);
        var local = new InProcessConnection();
        var context = new Flows.FlowContext(services.Store, services.Peers.KnowledgeOf(peer), services.FlowOptions);
        _connections.TryAdd(local, 0);
        _ = RunAsync(record, local, channel, context);
        return local.ApplicationStream;
    }

    private async Task RunAsync(FlowRecord record, InProcessConnection local, PeerLink.PeerChannel channel, Flows.FlowContext context)
    {
        try
        {
            await services.Runner.RunAsync(record, local, channel, context, services.Aborting).ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(local, out _);
        }
    }
}
