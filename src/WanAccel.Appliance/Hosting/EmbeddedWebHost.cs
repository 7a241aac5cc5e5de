using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WanAccel.Appliance.Hosting;

/// <summary>
/// The Kestrel hosts an appliance embeds (metrics, HTTP proxy). The empty builder reads no configuration files or
/// environment and adds no logging providers: such a host is a component of the appliance, configured only by its
/// options, logging through the appliance's factory, started and stopped by the appliance (<see cref="EmbeddedHostLifetime"/>).
/// </summary>
internal static class EmbeddedWebHost
{
    public static WebApplicationBuilder CreateBuilder(string name, IPEndPoint listen, ILoggerFactory loggerFactory, Action<KestrelServerLimits> limits)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(listen);
            kestrel.AddServerHeader = false;
            limits(kestrel.Limits);
        });
        builder.Services.AddLogging();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        return builder;
    }

    /// <summary>Binds and starts serving; returns the bound address (the real port for port 0). Throws (IOException) when the address is in use.</summary>
    public static IPEndPoint Start(WebApplication app)
    {
        app.StartAsync().GetAwaiter().GetResult();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address);
        return new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port);
    }
}
