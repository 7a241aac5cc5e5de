using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace WanAccel.Appliance.Hosting;

public static class ApplianceServiceCollectionExtensions
{
    /// <summary>
    /// Adds the appliance as a hosted service, its options bound from <paramref name="configuration"/> and validated at
    /// start-up (every error listed), and graceful shutdown long enough to drain flows.
    /// </summary>
    public static IServiceCollection AddWanAccelAppliance(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApplianceOptions>().Bind(configuration).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApplianceOptions>, ApplianceOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddHostedService<ApplianceHostedService>();
        services.AddOptions<HostOptions>().Configure<IOptions<ApplianceOptions>>((host, appliance) =>
            host.ShutdownTimeout = appliance.Value.ShutdownTimeout + TimeSpan.FromSeconds(15));
        return services;
    }
}
