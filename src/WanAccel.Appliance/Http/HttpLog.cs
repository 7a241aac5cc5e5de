using System.Net;
using Microsoft.Extensions.Logging;

namespace WanAccel.Appliance.Http;

/// <summary>Log messages of the HTTP reverse proxy (event ids 3600–3699).</summary>
internal static partial class HttpLog
{
    [LoggerMessage(EventId = 3600, Level = LogLevel.Information, Message = "HTTP proxy on http://{EndPoint}/, origins reached through peer '{Peer}'")]
    public static partial void Listening(ILogger logger, IPEndPoint endPoint, string peer);
}
