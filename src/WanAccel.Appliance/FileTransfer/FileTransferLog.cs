using Microsoft.Extensions.Logging;

namespace WanAccel.Appliance.FileTransfer;

/// <summary>Log messages of the file service and its local entry point (event ids 3500–3599).</summary>
internal static partial class FileTransferLog
{
    [LoggerMessage(EventId = 3500, Level = LogLevel.Information, Message = "File transfer listening on {EndPoint} for local wanaccel cp clients")]
    public static partial void Listening(ILogger logger, System.Net.IPEndPoint endPoint);

    [LoggerMessage(EventId = 3501, Level = LogLevel.Warning, Message = "File request failed ({Status}): {Reason}")]
    public static partial void RequestFailed(ILogger logger, TransferStatus status, string reason);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Information,
        Message = "Received {Path}: {Length} bytes verified, {BasisBytes} from the basis, WAN {WanBytes} bytes, {CacheBytes} from the cache")]
    public static partial void Received(ILogger logger, string path, long length, long basisBytes, long wanBytes, long cacheBytes);

    [LoggerMessage(EventId = 3503, Level = LogLevel.Information,
        Message = "Sent {Path}: {Length} bytes, {DiskBytes} read from disk, WAN {WanBytes} bytes, {CacheBytes} from the cache")]
    public static partial void Sent(ILogger logger, string path, long length, long diskBytes, long wanBytes, long cacheBytes);

    [LoggerMessage(EventId = 3504, Level = LogLevel.Warning, Message = "File transfer client {Client} refused: {Reason}")]
    public static partial void ClientRefused(ILogger logger, string client, string reason);
}
