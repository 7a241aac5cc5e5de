using Microsoft.Extensions.Hosting;

namespace WanAccel.Appliance.Observability;

/// <summary>
/// The metrics web host's lifetime: does nothing. The default console lifetime would hook SIGINT/SIGTERM and print
/// start-up banners inside a process whose own host (<c>wanaccel serve</c>) or test owns those; the appliance starts and
/// stops this host itself.
/// </summary>
internal sealed class MetricsHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
