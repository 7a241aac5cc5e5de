namespace WanAccel.Appliance.Http;

/// <summary>One proxy route: which requests (path pattern, optional host names) go to which cluster.</summary>
public sealed record HttpRouteOptions
{
    public string Name { get; init; } = "";

    /// <summary>ASP.NET Core route pattern (default: every path).</summary>
    public string Path { get; init; } = "/{**catch-all}";

    /// <summary>Host headers this route answers (default: any).</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>Name of the cluster that serves the route.</summary>
    public string Cluster { get; init; } = "";
}
