using System.Net;
using Microsoft.Extensions.Logging;

namespace WanAccel.Appliance.WanEmulation;

/// <summary>Log messages of the WAN emulator (event ids 3100–3199).</summary>
internal static partial class WanEmulatorLog
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Information,
        Message = "WAN emulator listening on {Listen}, relaying to {Target}: rate {Rate}, RTT {RttMs} ms, loss {Loss}, window {WindowBytes} bytes, queue {QueueBytes} bytes per direction")]
    public static partial void Started(ILogger logger, EndPoint listen, EndPoint target, string rate, double rttMs, double loss, long windowBytes, long queueBytes);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information,
        Message = "WAN emulator on {Listen} stopped after {Connections} connections")]
    public static partial void Stopped(ILogger logger, EndPoint listen, long connections);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Debug, Message = "Connection {Id} from {Remote} accepted")]
    public static partial void Accepted(ILogger logger, long id, EndPoint? remote);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "Connection {Id}: target {Target} unreachable, client reset")]
    public static partial void ConnectFailed(ILogger logger, long id, EndPoint target, Exception exception);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Debug, Message = "Connection {Id} aborted, both sides reset")]
    public static partial void Aborted(ILogger logger, long id, Exception exception);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Debug, Message = "Connection {Id} closed")]
    public static partial void Closed(ILogger logger, long id);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Error, Message = "Accept loop on {Listen} failed")]
    public static partial void AcceptFailed(ILogger logger, EndPoint listen, Exception exception);
}
