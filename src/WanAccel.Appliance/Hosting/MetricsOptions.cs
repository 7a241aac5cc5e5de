namespace WanAccel.Appliance.Hosting;

/// <summary>Where <c>/metrics</c> (Prometheus) and <c>/healthz</c> are served.</summary>
public sealed record MetricsOptions
{
    /// <summary>Address and port, e.g. <c>127.0.0.1:9464</c> (default) or <c>0.0.0.0:9464</c>; empty disables both endpoints.</summary>
    public string? Listen { get; init; } = "127.0.0.1:9464";
}
