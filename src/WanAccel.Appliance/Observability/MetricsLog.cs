using System.Net;
using Microsoft.Extensions.Logging;

namespace WanAccel.Appliance.Observability;

/// <summary>Log messages of the metrics and health endpoints (event ids 3400–3499).</summary>
internal static partial class MetricsLog
{
    [LoggerMessage(EventId = 3400, Level = LogLevel.Information, Message = "Metrics on http://{EndPoint}/metrics, health on http://{EndPoint}/healthz")]
    public static partial void Listening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Warning, Message = "Health check failed: {Reason}")]
    public static partial void Unhealthy(ILogger logger, string reason);
}
