using Microsoft.Extensions.Logging;

namespace WanAccel.Appliance.Protocols;

internal static partial class ProtocolLog
{
    [LoggerMessage(EventId = 3700, Level = LogLevel.Information,
        Message = "Flow {FlowId} {Protocol} file {Name} ({Format}): read {ReadBytes} B, written {WrittenBytes} B, WAN {WanBytes} B ({Reduction:0.0}x)")]
    public static partial void FileEnded(ILogger logger, long flowId, string protocol, string name, string format, long readBytes, long writtenBytes, long wanBytes, double reduction);

    [LoggerMessage(EventId = 3701, Level = LogLevel.Debug, Message = "Flow {FlowId} {Protocol} file {Name} is a {Format} disk image")]
    public static partial void ImageDetected(ILogger logger, long flowId, string protocol, string name, string format);

    [LoggerMessage(EventId = 3702, Level = LogLevel.Information, Message = "Flow {FlowId} {Protocol} is encrypted from here on: passed through without chunking")]
    public static partial void Encrypted(ILogger logger, long flowId, string protocol);

    [LoggerMessage(EventId = 3703, Level = LogLevel.Debug, Message = "Flow {FlowId} {Protocol} parser stopped, plain byte mode from here on: {Reason}")]
    public static partial void ParserStopped(ILogger logger, long flowId, string protocol, string reason);
}
