using System.Net;
using Microsoft.Extensions.Logging;

namespace WanAccel.Appliance.Hosting;

/// <summary>Log messages of the appliance host and its flows (event ids 3300–3399).</summary>
internal static partial class ApplianceLog
{
    [LoggerMessage(EventId = 3300, Level = LogLevel.Information,
        Message = "Appliance {Name} started: store {StorePath} ({StoreChunks} chunks, {StoreUsed} of {StoreCapacity} bytes), identity {Fingerprint}")]
    public static partial void Started(ILogger logger, string name, string storePath, long storeChunks, long storeUsed, long storeCapacity, string fingerprint);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Rule {Rule} ({Mode}) listening on {EndPoint} via peer {Peer} to {Destination}")]
    public static partial void RuleListening(ILogger logger, string rule, Interception.InterceptionMode mode, IPEndPoint endPoint, string peer, string destination);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Debug, Message = "Flow {Flow} ({Rule}, {Origin}) to {Destination} via peer {Peer} started")]
    public static partial void FlowStarted(ILogger logger, long flow, string rule, FlowOrigin origin, string destination, string peer);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Information,
        Message = "Flow {Flow} ({Rule}, {Origin}) to {Destination} done in {Seconds:F3} s: LAN in {LanIn} out {LanOut}, WAN out {WanOut} in {WanIn} bytes")]
    public static partial void FlowCompleted(ILogger logger, long flow, string rule, FlowOrigin origin, string destination, double seconds, long lanIn, long lanOut, long wanOut, long wanIn);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Warning, Message = "Flow {Flow} ({Rule}, {Origin}) to {Destination} failed after {Seconds:F3} s: {Error}")]
    public static partial void FlowFailed(ILogger logger, long flow, string rule, FlowOrigin origin, string destination, double seconds, string error);

    [LoggerMessage(EventId = 3305, Level = LogLevel.Warning, Message = "Rule {Rule}: connection from {Client} refused: {Reason}")]
    public static partial void ClientRefused(ILogger logger, string rule, string client, string reason);

    [LoggerMessage(EventId = 3306, Level = LogLevel.Warning, Message = "Flow request from peer {Peer} refused: {Reason}")]
    public static partial void RequestRefused(ILogger logger, string peer, string reason);

    [LoggerMessage(EventId = 3307, Level = LogLevel.Information, Message = "Stopping: waiting up to {Seconds} s for {Flows} flows to finish")]
    public static partial void Draining(ILogger logger, double seconds, int flows);

    [LoggerMessage(EventId = 3308, Level = LogLevel.Warning, Message = "Stopping: {Flows} flows did not finish in time and were reset")]
    public static partial void DrainTimedOut(ILogger logger, int flows);

    [LoggerMessage(EventId = 3309, Level = LogLevel.Error, Message = "Rule {Rule}: accept loop failed")]
    public static partial void AcceptFailed(ILogger logger, string rule, Exception exception);

    [LoggerMessage(EventId = 3311, Level = LogLevel.Warning,
        Message = "Peer {Peer} announced another chunk store ({Instance}): it lost or replaced its cache; what it was believed to hold is forgotten")]
    public static partial void PeerStoreReplaced(ILogger logger, string peer, Guid instance);

    [LoggerMessage(EventId = 3310, Level = LogLevel.Information, Message = "Appliance {Name} stopped")]
    public static partial void Stopped(ILogger logger, string name);
}
