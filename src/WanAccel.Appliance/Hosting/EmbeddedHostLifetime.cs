using Microsoft.Extensions.Hosting;

namespace WanAccel.Appliance.Hosting;

/// <summary>
/// The lifetime of the web hosts embedded in an appliance (metrics, HTTP proxy): does nothing. The default console lifetime would hook SIGINT/SIGTERM and print
/// start-up banners inside a process whose own host (<c>wanaccel serve</c>) or test owns those; the appliance starts and
/// stops this host itself.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
