using Microsoft.Extensions.Logging;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Protocols.FileTransfer;
using WanAccel.Appliance.Protocols.Http;
using WanAccel.Appliance.Protocols.Nfs;
using WanAccel.Appliance.Protocols.Smb;

namespace WanAccel.Appliance.Protocols;

/// <summary>The protocol parsers, by a flow's protocol label.</summary>
internal static class ProtocolParsers
{
    /// <summary>A tap with the parser for <paramref name="flow"/>'s protocol, or null when the protocol has none (plain TCP).</summary>
    public static ProtocolTap? TapFor(FlowRecord flow, FileTotals totals, int anchorBytes, ILogger logger)
    {
        var protocol = flow.Protocol.ToLowerInvariant();
        Func<IProtocolEvents, IProtocolParser>? create = protocol switch
        {
            "http" => events => new Http1Parser(events),
            "file" => events => new FileTransferParser(events),
            "smb" => events => new Smb2Parser(events),
            "nfs" => events => new NfsParser(events),
            _ => null,
        };
        if (create is null)
        {
            return null;
        }

        var files = new FileActivity(protocol, totals, anchorBytes, flow.Id, logger);
        return new ProtocolTap(create(files), files, localIsClient: flow.Origin == FlowOrigin.Local);
    }
}
