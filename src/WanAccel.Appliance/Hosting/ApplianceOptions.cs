using WanAccel.Appliance.FileTransfer;
using WanAccel.Appliance.Http;
using WanAccel.Appliance.Interception;
using WanAccel.Appliance.PeerLink;
using WanAccel.Core.Storage;

namespace WanAccel.Appliance.Hosting;

/// <summary>
/// One appliance, either end of the link: its identity, chunk store, peers and interception rules. Bound from the
/// <c>WanAccel</c> configuration section (JSON file, <c>WANACCEL__</c> environment variables, command line).
/// </summary>
public sealed record ApplianceOptions
{
    public const string SectionName = "WanAccel";

    /// <summary>Name used in logs and metrics (default: the host name).</summary>
    public string Name { get; init; } = Environment.MachineName;

    /// <summary>Directory with <c>peer.crt</c> and <c>peer.key</c> (see <c>wanaccel pair init</c>); default as for <c>pair</c>.</summary>
    public string? IdentityDirectory { get; init; }

    /// <summary>The chunk store shared by every flow, peer and direction.</summary>
    public ChunkStoreOptions Store { get; init; } = new() { Path = "/var/lib/wanaccel/store" };

    /// <summary>Peer link: listen address, peers with pinned fingerprints, connection tuning.</summary>
    public PeerLinkOptions PeerLink { get; init; } = new();

    public IReadOnlyList<InterceptionRuleOptions> Rules { get; init; } = [];

    public OutboundOptions Outbound { get; init; } = new();

    public FlowSettings Flow { get; init; } = new();

    public MetricsOptions Metrics { get; init; } = new();

    /// <summary>Directories peers may read from / write to with <c>wanaccel cp</c> (none by default: the file service is off).</summary>
    public IReadOnlyList<ExportOptions> Exports { get; init; } = [];

    /// <summary>The local entry point of <c>wanaccel cp</c> (off by default).</summary>
    public FileTransferOptions FileTransfer { get; init; } = new();

    /// <summary>HTTP reverse proxy (YARP) whose origin connections are flows through the link; off unless Listen is set.</summary>
    public HttpProxyOptions Http { get; init; } = new();

    /// <summary>NFSv3 acceleration (read-ahead) for rules with protocol <c>nfs</c>.</summary>
    public Protocols.Nfs.NfsOptions Nfs { get; init; } = new();

    /// <summary>How long shutdown waits for running flows to finish before it resets them (default 30 s).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
