using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WanAccel.Appliance.Hosting;
using Yarp.ReverseProxy.Forwarder;

namespace WanAccel.Appliance.Http;

/// <summary>
/// The appliance's HTTP reverse proxy: Kestrel on <see cref="HttpProxyOptions.Listen"/> and YARP with the configured
/// routes and clusters. Request and response bodies stream through (no buffering, no size limit); every connection to
/// an origin is a flow through the peer (see <see cref="PeerLinkHttpClientFactory"/>), so large GET and PUT bodies
/// dedupe and compress, while YARP keeps doing load balancing, health checks, Range, chunked encoding, keep-alive,
/// 100-continue and error mapping (an unreachable origin is a 502).
/// </summary>
internal sealed class HttpProxyServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ILogger _logger;
    private readonly string _peer;
    private readonly PeerLinkHttpClientFactory _clients;

    private HttpProxyServer(HttpProxyOptions options, IPEndPoint listen, ApplianceServices services, ILoggerFactory loggerFactory)
    {
        _logger = loggerFactory.CreateLogger<HttpProxyServer>();
        _peer = options.Peer ?? services.Options.PeerLink.Peers[0].Name;

        var builder = EmbeddedWebHost.CreateBuilder("wanaccel-http", listen, loggerFactory, limits => limits.MaxRequestBodySize = null); // VM images
        builder.Services.AddRouting();
        builder.Services.AddReverseProxy().LoadFromMemory(YarpConfig.Routes(options), YarpConfig.Clusters(options));
        _clients = new PeerLinkHttpClientFactory(services, _peer);
        builder.Services.AddSingleton<IForwarderHttpClientFactory>(_clients);
        _app = builder.Build();
        _app.MapReverseProxy();
    }

    /// <summary>The bound address (the real port when configured with port 0); null before <see cref="Start"/>.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>Creates the proxy, or returns null when <see cref="HttpProxyOptions.Listen"/> is empty.</summary>
    public static HttpProxyServer? Create(ApplianceServices services, ILoggerFactory loggerFactory) =>
        string.IsNullOrWhiteSpace(services.Options.Http.Listen)
            ? null
            : new HttpProxyServer(services.Options.Http, IPEndPoint.Parse(services.Options.Http.Listen), services, loggerFactory);

    /// <summary>Binds and starts serving; throws (IOException) when the address is in use.</summary>
    public void Start()
    {
        LocalEndPoint = EmbeddedWebHost.Start(_app);
        HttpLog.Listening(_logger, LocalEndPoint, _peer);
    }

    /// <summary>
    /// Stops taking requests; requests still running get up to <paramref name="drainTimeout"/>, then are aborted.
    /// Then closes the pooled origin connections, so their flows end.
    /// </summary>
    public async Task StopAsync(TimeSpan drainTimeout)
    {
        using var timeout = new CancellationTokenSource(drainTimeout);
        await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        _clients.CloseConnections();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync().ConfigureAwait(false);
}
