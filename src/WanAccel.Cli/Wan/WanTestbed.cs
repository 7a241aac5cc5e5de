using System.Net;
using Microsoft.Extensions.Logging;
using WanAccel.Appliance.FileTransfer;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Identity;
using WanAccel.Appliance.Interception;
using WanAccel.Appliance.PeerLink;
using WanAccel.Appliance.WanEmulation;
using WanAccel.Core.Storage;

namespace WanAccel.Cli.Wan;

/// <summary>
/// Everything the demo and <c>bench wan</c> run on loopback, in this process: an origin file server, a core appliance
/// next to it, the WAN emulator on the peer link, and an edge appliance whose rule reaches the origin through the pair.
/// A second emulator with the same settings (plus the legacy window, if any) carries the native copy. With an export
/// directory (<c>bench cp</c>) the core exports it as <c>/bench</c> (read-write) and the edge opens its <c>wanaccel cp</c> port.
/// </summary>
internal sealed class WanTestbed : IAsyncDisposable
{
    private readonly string _root;
    private readonly PeerIdentity _coreIdentity = PeerIdentity.Create("core");
    private readonly PeerIdentity _edgeIdentity = PeerIdentity.Create("edge");
    private ApplianceInstance? _core;
    private ApplianceInstance? _edge;
    private WanEmulator? _link;
    private WanEmulator? _nativeLink;
    private FileOrigin? _origin;

    private WanTestbed(string? workDirectory)
    {
        _root = workDirectory is null
            ? Directory.CreateTempSubdirectory("wanaccel-testbed-").FullName
            : Directory.CreateDirectory(Path.Combine(workDirectory, $"wanaccel-testbed-{Environment.ProcessId}")).FullName;
    }

    /// <summary>Where a client connects to copy the file through the pair.</summary>
    public IPEndPoint Accelerated => _edge!.RuleEndPoints["origin"];

    /// <summary>Where a client connects to copy the file over the emulated link without WanAccel.</summary>
    public IPEndPoint Native => _nativeLink!.LocalEndPoint;

    /// <summary>Bytes that crossed the emulated peer link so far, both directions (TLS and framing included).</summary>
    public long WanBytes => _link!.Statistics is var s ? s.ClientToTarget.BytesOut + s.TargetToClient.BytesOut : 0;

    /// <summary>The edge's <c>wanaccel cp</c> port (with an export directory), reaching the core's <c>/bench</c> export as peer <c>core</c>.</summary>
    public IPEndPoint? FileTransfer => _edge!.FileTransferEndPoint;

    public static async Task<WanTestbed> StartAsync(string file, WanEmulatorOptions link, string codec, string? workDirectory, ILoggerFactory loggerFactory,
        CancellationToken cancellationToken, string? exportDirectory = null)
    {
        var bed = new WanTestbed(workDirectory);
        try
        {
            bed._origin = new FileOrigin(file);
            bed._core = ApplianceInstance.Start(bed.Options("core", codec, new PeerLinkOptions
            {
                Listen = "127.0.0.1:0",
                Peers = [new PeerOptions { Name = "edge", PinnedFingerprints = [bed._edgeIdentity.Fingerprint] }],
            }, rules: []) with
            {
                Exports = exportDirectory is null ? [] : [new ExportOptions { Name = "bench", Path = exportDirectory, Access = ExportAccess.ReadWrite }],
            }, bed._coreIdentity, loggerFactory);
            bed._link = await WanEmulator.StartAsync(link with { WindowBytes = 0, TargetEndPoint = bed._core.PeerLinkEndPoint }, cancellationToken).ConfigureAwait(false);
            bed._nativeLink = await WanEmulator.StartAsync(link with { TargetEndPoint = bed._origin.EndPoint }, cancellationToken).ConfigureAwait(false);
            bed._edge = ApplianceInstance.Start(bed.Options("edge", codec, new PeerLinkOptions
            {
                Peers = [new PeerOptions { Name = "core", Endpoint = bed._link.LocalEndPoint.ToString(), PinnedFingerprints = [bed._coreIdentity.Fingerprint] }],
            }, rules: [new InterceptionRuleOptions { Name = "origin", Listen = "127.0.0.1:0", Destination = bed._origin.EndPoint.ToString() }]) with
            {
                FileTransfer = new FileTransferOptions { Listen = exportDirectory is null ? null : "127.0.0.1:0" },
            }, bed._edgeIdentity, loggerFactory);
            await Task.WhenAll(bed._edge.WaitForPeersAsync(cancellationToken), bed._core.WaitForPeersAsync(cancellationToken)).ConfigureAwait(false);
            return bed;
        }
        catch
        {
            await bed.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_edge is not null)
        {
            await _edge.DisposeAsync().ConfigureAwait(false);
        }

        if (_core is not null)
        {
            await _core.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var emulator in new[] { _link, _nativeLink })
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (_origin is not null)
        {
            await _origin.DisposeAsync().ConfigureAwait(false);
        }

        _coreIdentity.Dispose();
        _edgeIdentity.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private ApplianceOptions Options(string name, string codec, PeerLinkOptions peerLink, IReadOnlyList<InterceptionRuleOptions> rules) => new()
    {
        Name = name,
        Store = new ChunkStoreOptions { Path = Path.Combine(_root, name), CapacityBytes = 32L << 30 },
        PeerLink = peerLink with { ReconnectMinDelay = TimeSpan.FromMilliseconds(50), ReconnectMaxDelay = TimeSpan.FromSeconds(1) },
        Rules = rules,
        Flow = new FlowSettings { Codec = codec },
        Metrics = new MetricsOptions { Listen = null },
        ShutdownTimeout = TimeSpan.FromSeconds(5),
    };
}
