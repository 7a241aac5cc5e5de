using Microsoft.Extensions.Logging;

namespace WanAccel.Appliance.PeerLink;

/// <summary>Log messages of the peer link (event ids 3100–3199).</summary>
internal static partial class PeerLinkLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Peer link listening on {EndPoint} as {Fingerprint}")]
    public static partial void Listening(ILogger logger, string endPoint, string fingerprint);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information,
        Message = "Peer link connection up: peer {Peer} at {Remote}, certificate {Fingerprint}, {Role}")]
    public static partial void ConnectionUp(ILogger logger, string peer, string remote, string fingerprint, string role);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning,
        Message = "Peer link connection from/to {Remote} refused ({Reason}): {Detail}")]
    public static partial void Refused(ILogger logger, string remote, PeerRefusalReason reason, string detail);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information,
        Message = "Peer link connection to peer {Peer} at {Remote} closed after {Channels} channels: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, string peer, string remote, long channels, string reason);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning,
        Message = "Connecting to peer {Peer} at {EndPoint} failed (attempt {Attempt}), retrying in {DelayMs} ms: {Error}")]
    public static partial void ConnectFailed(ILogger logger, string peer, string endPoint, int attempt, long delayMs, string error);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Peer {Peer} broke the peer-link protocol: {Detail}")]
    public static partial void ProtocolError(ILogger logger, string peer, string detail);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Debug,
        Message = "Channel {Channel} to peer {Peer} reset ({Code}, by {Side}): {Detail}")]
    public static partial void ChannelReset(ILogger logger, ulong channel, string peer, PeerResetCode code, string side, string? detail);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning, Message = "Handler of channel {Channel} from peer {Peer} failed")]
    public static partial void HandlerFailed(ILogger logger, ulong channel, string peer, Exception exception);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Information, Message = "Link to peer {Peer} is {State}")]
    public static partial void StateChanged(ILogger logger, string peer, PeerLinkState state);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Error, Message = "Peer link accept loop failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);
}
