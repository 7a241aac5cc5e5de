namespace WanAccel.Appliance.Http;

/// <summary>Origins behind the far appliance that serve a route, balanced and health-checked by YARP.</summary>
public sealed record HttpClusterOptions
{
    /// <summary>Unique name; labels the cluster's flows (metrics <c>rule</c> label, protocol <c>http</c>).</summary>
    public string Name { get; init; } = "";

    /// <summary>Origin base addresses as the far side reaches them, e.g. <c>http://fileserver.dc:80/</c>.</summary>
    public IReadOnlyList<string> Destinations { get; init; } = [];

    /// <summary>YARP load-balancing policy: PowerOfTwoChoices (default), RoundRobin, LeastRequests, Random, FirstAlphabetical.</summary>
    public string LoadBalancing { get; init; } = "PowerOfTwoChoices";

    /// <summary>Active health checks of every destination (through the link); none when omitted.</summary>
    public HttpHealthCheckOptions? HealthCheck { get; init; }
}
