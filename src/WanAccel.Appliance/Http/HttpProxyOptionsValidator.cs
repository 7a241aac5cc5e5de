using System.Net;

namespace WanAccel.Appliance.Http;

/// <summary>Every error in an <see cref="HttpProxyOptions"/> (nothing to check while the proxy is disabled).</summary>
internal static class HttpProxyOptionsValidator
{
    private static readonly HashSet<string> Policies = new(StringComparer.OrdinalIgnoreCase)
    {
        "PowerOfTwoChoices", "RoundRobin", "LeastRequests", "Random", "FirstAlphabetical",
    };

    public static IEnumerable<string> Validate(HttpProxyOptions options, IReadOnlyCollection<string> peers)
    {
        if (string.IsNullOrWhiteSpace(options.Listen))
        {
            yield break;
        }

        if (!IPEndPoint.TryParse(options.Listen, out _))
        {
            yield return $"Http.Listen must be an IP address and port such as 127.0.0.1:8080 (is '{options.Listen}').";
        }

        if (options.Peer is null ? peers.Count != 1 : !peers.Contains(options.Peer, StringComparer.OrdinalIgnoreCase))
        {
            yield return options.Peer is null
                ? "Http.Peer is required when not exactly one peer is configured."
                : $"Http.Peer '{options.Peer}' is not a configured peer.";
        }

        var clusters = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Clusters.Count; i++)
        {
            foreach (var error in ValidateCluster(options.Clusters[i], $"Http.Clusters[{i}]", clusters))
            {
                yield return error;
            }
        }

        if (options.Routes.Count == 0)
        {
            yield return "Http.Routes must have at least one route.";
        }

        var routes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Routes.Count; i++)
        {
            var route = options.Routes[i];
            var label = $"Http.Routes[{i}]";
            if (route is null)
            {
                yield return $"{label} is null.";
                continue;
            }

            if (string.IsNullOrWhiteSpace(route.Name) || !routes.Add(route.Name))
            {
                yield return $"{label}: Name is required and must be unique.";
            }

            if (string.IsNullOrWhiteSpace(route.Path) || !route.Path.StartsWith('/'))
            {
                yield return $"{label}: Path must be a route pattern starting with '/' (is '{route.Path}').";
            }

            if (!clusters.Contains(route.Cluster))
            {
                yield return $"{label}: Cluster '{route.Cluster}' is not one of Http.Clusters.";
            }
        }
    }

    private static IEnumerable<string> ValidateCluster(HttpClusterOptions? cluster, string label, HashSet<string> names)
    {
        if (cluster is null)
        {
            yield return $"{label} is null.";
            yield break;
        }

        if (string.IsNullOrWhiteSpace(cluster.Name) || !names.Add(cluster.Name))
        {
            yield return $"{label}: Name is required and must be unique.";
        }

        if (cluster.Destinations.Count == 0)
        {
            yield return $"{label}: Destinations must list at least one origin address.";
        }

        foreach (var destination in cluster.Destinations)
        {
            if (!Uri.TryCreate(destination, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                yield return $"{label}: destination '{destination}' must be an absolute http:// or https:// address.";
            }
        }

        if (!Policies.Contains(cluster.LoadBalancing))
        {
            yield return $"{label}: LoadBalancing '{cluster.LoadBalancing}' is not one of {string.Join(", ", Policies)}.";
        }

        if (cluster.HealthCheck is { } health && (health.Interval <= TimeSpan.Zero || health.Timeout <= TimeSpan.Zero || !health.Path.StartsWith('/')))
        {
            yield return $"{label}: HealthCheck needs a positive Interval and Timeout and a Path starting with '/'.";
        }
    }
}
