namespace WanAccel.Appliance.Http;

/// <summary>Active health check: a GET of <see cref="Path"/> on every destination each <see cref="Interval"/>; failing ones get no requests.</summary>
public sealed record HttpHealthCheckOptions
{
    public string Path { get; init; } = "/";

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
}
