using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;
using WanAccel.Appliance.Hosting;

namespace WanAccel.Appliance.Observability;

/// <summary>
/// A small Kestrel host on <see cref="MetricsOptions.Listen"/> serving <c>GET /metrics</c> (Prometheus text format from
/// the appliance's own registry) and <c>GET /healthz</c> (200 or 503 with a short JSON body, see <see cref="ApplianceHealth"/>).
/// </summary>
internal sealed class MetricsServer : IAsyncDisposable
{
    private readonly ApplianceInstance _appliance;
    private readonly CancellationToken _stopping;
    private readonly ILogger _logger;
    private readonly ApplianceMetrics _metrics;
    private readonly WebApplication _app;
    private int _healthy = -1;

    private MetricsServer(ApplianceInstance appliance, IPEndPoint listen, ILoggerFactory loggerFactory, CancellationToken stopping)
    {
        _appliance = appliance;
        _stopping = stopping;
        _logger = loggerFactory.CreateLogger<MetricsServer>();
        _metrics = new ApplianceMetrics(appliance);

        var builder = EmbeddedWebHost.CreateBuilder("wanaccel-metrics", listen, loggerFactory, limits =>
        {
            limits.MaxConcurrentConnections = 64; // scrapers and health probes, not clients
            limits.MaxRequestBodySize = 0;
        });
        builder.Services.AddRoutingCore();
        _app = builder.Build();
        _app.MapMetrics("/metrics", _metrics.Registry);
        _app.MapGet("/healthz", WriteHealthAsync);
    }

    /// <summary>The bound address (the real port when configured with port 0); null before <see cref="Start"/>.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>Creates the server (and starts following the appliance's flows), or returns null when <see cref="MetricsOptions.Listen"/> is empty.</summary>
    public static MetricsServer? Create(ApplianceInstance appliance, ILoggerFactory loggerFactory, CancellationToken stopping) =>
        string.IsNullOrWhiteSpace(appliance.Options.Metrics.Listen)
            ? null
            : new MetricsServer(appliance, IPEndPoint.Parse(appliance.Options.Metrics.Listen), loggerFactory, stopping);

    /// <summary>Binds and starts serving; throws (IOException) when the address is in use.</summary>
    public void Start()
    {
        LocalEndPoint = EmbeddedWebHost.Start(_app);
        MetricsLog.Listening(_logger, LocalEndPoint);
    }

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();
    }

    private async Task WriteHealthAsync(HttpContext context)
    {
        var health = ApplianceHealth.Check(_appliance, _stopping.IsCancellationRequested);
        if (Interlocked.Exchange(ref _healthy, health.IsHealthy ? 1 : 0) != 0 && !health.IsHealthy)
        {
            MetricsLog.Unhealthy(_logger, health.Reason!); // on the change only, not on every probe
        }

        context.Response.StatusCode = health.IsHealthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.Body.WriteAsync(health.ToJson(_appliance.Options.Name), context.RequestAborted).ConfigureAwait(false);
    }
}
