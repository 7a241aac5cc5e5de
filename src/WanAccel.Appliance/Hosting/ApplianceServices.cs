using Microsoft.Extensions.Logging;
using WanAccel.Appliance.Flows;
using WanAccel.Appliance.Protocols.Nfs.ReadAhead;
using WanAccel.Core.Storage;

namespace WanAccel.Appliance.Hosting;

/// <summary>What the rule listeners and the remote-flow handler of one appliance share.</summary>
internal sealed class ApplianceServices
{
    public required ApplianceOptions Options { get; init; }

    public required IChunkStore Store { get; init; }

    public required FlowOptions FlowOptions { get; init; }

    public required FlowRegistry Flows { get; init; }

    public required FlowRunner Runner { get; init; }

    /// <summary>NFS read-ahead counts of all flows (for the metrics).</summary>
    public required NfsReadAheadStatistics NfsReadAhead { get; init; }

    public required ILogger Logger { get; init; }

    public PeerDirectory Peers { get; set; } = null!;

    /// <summary>Fires when the appliance stops taking new flows.</summary>
    public CancellationToken Stopping { get; init; }

    /// <summary>Fires when running flows must be reset (shutdown drain timed out).</summary>
    public CancellationToken Aborting { get; init; }
}
