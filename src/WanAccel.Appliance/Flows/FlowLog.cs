using Microsoft.Extensions.Logging;
using WanAccel.Core.Classification;
using WanAccel.Core.Compression;

namespace WanAccel.Appliance.Flows;

/// <summary>Log messages of flow sessions (event ids 3400–3499).</summary>
internal static partial class FlowLog
{
    [LoggerMessage(EventId = 3400, Level = LogLevel.Debug,
        Message = "Flow classified its outgoing stream as {Class} after {Bytes} bytes; passthrough: {Passthrough}")]
    public static partial void Classified(ILogger logger, StreamClass @class, int bytes, bool passthrough);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Debug,
        Message = "Flow codec {From} -> {To}: input {InputRate:F0} B/s, link {WireRate:F0} B/s")]
    public static partial void CodecSwitched(ILogger logger, CodecSpec from, CodecSpec to, double inputRate, double wireRate);
}
