using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;

namespace WanAccel.Appliance.Http;

/// <summary>Turns the validated <see cref="HttpProxyOptions"/> into YARP's routes and clusters.</summary>
internal static class YarpConfig
{
    public static IReadOnlyList<RouteConfig> Routes(HttpProxyOptions options) =>
    [
        .. options.Routes.Select(r => new RouteConfig
        {
            RouteId = r.Name,
            ClusterId = r.Cluster,
            Match = new RouteMatch { Path = r.Path, Hosts = r.Hosts.Count > 0 ? r.Hosts : null },
        }),
    ];

    public static IReadOnlyList<ClusterConfig> Clusters(HttpProxyOptions options) =>
    [
        .. options.Clusters.Select(c => new ClusterConfig
        {
            ClusterId = c.Name,
            LoadBalancingPolicy = c.LoadBalancing,
            Destinations = c.Destinations.Select((address, i) => (Key: $"{c.Name}-{i + 1}", Address: address))
                .ToDictionary(d => d.Key, d => new DestinationConfig { Address = d.Address }, StringComparer.OrdinalIgnoreCase),
            HealthCheck = c.HealthCheck is { } health
                ? new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true,
                        Interval = health.Interval,
                        Timeout = health.Timeout,
                        Path = health.Path,
                        Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                    },
                }
                : null,
        }),
    ];
}
