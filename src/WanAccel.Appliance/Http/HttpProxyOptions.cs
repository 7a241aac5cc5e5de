namespace WanAccel.Appliance.Http;

/// <summary>
/// The HTTP reverse proxy (YARP) of this appliance: clients send requests to <see cref="Listen"/>, routes pick a
/// cluster, and every connection to a cluster's origin is a flow through <see cref="Peer"/>, which connects to the origin.
/// </summary>
public sealed record HttpProxyOptions
{
    /// <summary>Address and port for HTTP clients, e.g. <c>127.0.0.1:8080</c>; empty (default) disables the proxy.</summary>
    public string? Listen { get; init; }

    /// <summary>Peer that carries the proxy's connections; may be omitted when exactly one peer is configured.</summary>
    public string? Peer { get; init; }

    public IReadOnlyList<HttpRouteOptions> Routes { get; init; } = [];

    public IReadOnlyList<HttpClusterOptions> Clusters { get; init; } = [];
}
