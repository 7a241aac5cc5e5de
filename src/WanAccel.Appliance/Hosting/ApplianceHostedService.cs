using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WanAccel.Appliance.Identity;

namespace WanAccel.Appliance.Hosting;

/// <summary>Runs the configured <see cref="ApplianceInstance"/> for the generic host; stopping drains its flows.</summary>
internal sealed class ApplianceHostedService(IOptions<ApplianceOptions> options, ILoggerFactory loggerFactory, TimeProvider timeProvider) : IHostedService
{
    private ApplianceInstance? _instance;
    private PeerIdentity? _identity;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        _identity = PeerIdentityStore.Load(settings.IdentityDirectory ?? PeerIdentityStore.DefaultDirectory);
        _instance = ApplianceInstance.Start(settings, _identity, loggerFactory, timeProvider);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_instance is not null)
        {
            await _instance.StopAsync(cancellationToken).ConfigureAwait(false);
            await _instance.DisposeAsync().ConfigureAwait(false);
        }

        _identity?.Dispose();
    }
}
