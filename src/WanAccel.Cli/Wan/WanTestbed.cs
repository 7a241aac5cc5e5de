using System.Net;
using Microsoft.Extensions.Logging;
using WanAccel.Appliance.FileTransfer;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Http;
using WanAccel.Appliance.Identity;
using WanAccel.Appliance.Interception;
using WanAccel.Appliance.PeerLink;
using WanAccel.Appliance.Protocols.Nfs;
using WanAccel.Appliance.WanEmulation;
using WanAccel.Cli.Peers;
using WanAccel.Core.Storage;

namespace WanAccel.Cli.Wan;

/// <summary>
/// Everything the demo and <c>bench wan</c> run on loopback, in this process: an origin server, a core appliance
/// next to it, the WAN emulator on the peer link, and an edge appliance that reaches the origin through the pair.
/// Emulators with the same settings (plus the legacy window, if any) carry the native copy. The origin and client are
/// per <see cref="WanProtocol"/>: a plain TCP file server and client through a forward rule; nginx and curl through the
/// edge's HTTP proxy; smbd and smbclient through a rule; ganesha and nfs-cp through two rules (NFS and MOUNT). With an
/// export directory (<c>bench cp</c>) the core also exports it as <c>/bench</c> (read-write) and the edge opens its
/// <c>wanaccel cp</c> port.
/// </summary>
internal sealed class WanTestbed : IAsyncDisposable
{
    private const string Rule = "origin";
    private const string MountRule = "mount";

    private readonly string _root;
    private readonly string _file;
    private readonly WanProtocol _protocol;
    private readonly PeerIdentity _coreIdentity = PeerIdentity.Create("core");
    private readonly PeerIdentity _edgeIdentity = PeerIdentity.Create("edge");
    private readonly List<IAsyncDisposable> _owned = [];
    private ApplianceInstance? _edge;
    private WanEmulator? _link;
    private WanEmulator? _nativeLink;
    private WanEmulator? _nativeMountLink;
    private SambaServer? _samba;
    private GaneshaServer? _ganesha;
    private bool _readAhead = true;

    private WanTestbed(string file, WanProtocol protocol, string? workDirectory)
    {
        _file = file;
        _protocol = protocol;
        _root = workDirectory is null
            ? Directory.CreateTempSubdirectory("wanaccel-testbed-").FullName
            : Directory.CreateDirectory(Path.Combine(workDirectory, $"wanaccel-testbed-{Environment.ProcessId}")).FullName;
    }

    /// <summary>Bytes that crossed the emulated peer link so far, both directions (TLS and framing included).</summary>
    public long WanBytes => _link!.Statistics is var s ? s.ClientToTarget.BytesOut + s.TargetToClient.BytesOut : 0;

    /// <summary>The edge's <c>wanaccel cp</c> port (with an export directory), reaching the core's <c>/bench</c> export as peer <c>core</c>.</summary>
    public IPEndPoint? FileTransfer => _edge!.FileTransferEndPoint;

    private string FileName => Path.GetFileName(_file);

    public static async Task<WanTestbed> StartAsync(
        string file, WanProtocol protocol, WanEmulatorOptions link, string codec, string? workDirectory, ILoggerFactory loggerFactory, CancellationToken cancellationToken,
        string? exportDirectory = null, bool readAhead = true)
    {
        var bed = new WanTestbed(Path.GetFullPath(file), protocol, workDirectory) { _readAhead = readAhead };
        try
        {
            var (origin, mount) = await bed.StartOriginAsync(cancellationToken).ConfigureAwait(false);
            var core = bed.Own(ApplianceInstance.Start(bed.Options("core", codec, new PeerLinkOptions
            {
                Listen = "127.0.0.1:0",
                Peers = [new PeerOptions { Name = "edge", PinnedFingerprints = [bed._edgeIdentity.Fingerprint] }],
            }) with
            {
                Exports = exportDirectory is null ? [] : [new ExportOptions { Name = "bench", Path = exportDirectory, Access = ExportAccess.ReadWrite }],
            }, bed._coreIdentity, loggerFactory));
            bed._link = bed.Own(await WanEmulator.StartAsync(link with { WindowBytes = 0, TargetEndPoint = core.PeerLinkEndPoint }, cancellationToken).ConfigureAwait(false));
            bed._nativeLink = bed.Own(await WanEmulator.StartAsync(link with { TargetEndPoint = origin }, cancellationToken).ConfigureAwait(false));
            if (mount is not null)
            {
                bed._nativeMountLink = bed.Own(await WanEmulator.StartAsync(link with { TargetEndPoint = mount }, cancellationToken).ConfigureAwait(false));
            }

            var edge = bed.Options("edge", codec, new PeerLinkOptions
            {
                Peers = [new PeerOptions { Name = "core", Endpoint = bed._link.LocalEndPoint.ToString(), PinnedFingerprints = [bed._coreIdentity.Fingerprint] }],
            }) with
            {
                FileTransfer = new FileTransferOptions { Listen = exportDirectory is null ? null : "127.0.0.1:0" },
            };
            var protocolName = protocol.ToString().ToLowerInvariant();
            edge = protocol == WanProtocol.Http
                ? edge with
                {
                    Http = new HttpProxyOptions
                    {
                        Listen = "127.0.0.1:0",
                        Routes = [new HttpRouteOptions { Name = Rule, Cluster = Rule }],
                        Clusters = [new HttpClusterOptions { Name = Rule, Destinations = [$"http://{origin}/"] }],
                    },
                }
                : edge with
                {
                    Rules =
                    [
                        new InterceptionRuleOptions { Name = Rule, Listen = "127.0.0.1:0", Destination = origin.ToString(), Protocol = protocolName },
                        .. mount is null ? [] : (InterceptionRuleOptions[])[new() { Name = MountRule, Listen = "127.0.0.1:0", Destination = mount.ToString(), Protocol = protocolName }],
                    ],
                };

            // The edge stops first (its flows end before the core's), so it is owned last.
            bed._edge = bed.Own(ApplianceInstance.Start(edge, bed._edgeIdentity, loggerFactory));
            await Task.WhenAll(bed._edge.WaitForPeersAsync(cancellationToken), core.WaitForPeersAsync(cancellationToken)).ConfigureAwait(false);
            return bed;
        }
        catch
        {
            await bed.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Copies the file with the protocol's client, through the pair or (not <paramref name="accelerated"/>) over the emulated link alone.</summary>
    public Task<(TimeSpan Elapsed, long Bytes, byte[] Sha256)> DownloadAsync(bool accelerated, Action<long> progress, CancellationToken cancellationToken)
    {
        var server = accelerated ? (_protocol == WanProtocol.Http ? _edge!.HttpEndPoint! : _edge!.RuleEndPoints[Rule]) : _nativeLink!.LocalEndPoint;
        var output = Path.Combine(_root, "copy.out");
        return _protocol switch
        {
            WanProtocol.Http => ClientDownload.RunAsync(
                RequiredProgram.Find("curl", "curl"), ["-sS", "--fail", "-o", output, $"http://{server}/{Uri.EscapeDataString(FileName)}"], output, progress, cancellationToken),
            WanProtocol.Smb => ClientDownload.RunAsync(
                RequiredProgram.Find("smbclient", "smbclient"),
                ["-s", _samba!.ClientConfig, "//127.0.0.1/share", "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", SambaServer.User, "-c", $"get \"{FileName}\" \"{output}\""],
                output, progress, cancellationToken),
            WanProtocol.Nfs => ClientDownload.RunAsync(
                RequiredProgram.Find("nfs-cp", "libnfs-utils"),
                [_ganesha!.Url(FileName, server, accelerated ? _edge!.RuleEndPoints[MountRule] : _nativeMountLink!.LocalEndPoint), output],
                output, progress, cancellationToken),
            _ => FileDownload.RunAsync(server, progress, cancellationToken),
        };
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync().ConfigureAwait(false);
        }

        _coreIdentity.Dispose();
        _edgeIdentity.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Starts the origin server of the protocol; returns its address (and the MOUNT address for NFS).</summary>
    private async Task<(IPEndPoint Origin, IPEndPoint? Mount)> StartOriginAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(_file)!;
        var state = Path.Combine(_root, "origin");
        switch (_protocol)
        {
            case WanProtocol.Http:
                return (Own(await NginxServer.StartAsync(directory, state, webDav: false, cancellationToken).ConfigureAwait(false)).EndPoint, null);
            case WanProtocol.Smb:
                _samba = Own(await SambaServer.StartAsync(directory, state, "disabled", readOnly: true, cancellationToken).ConfigureAwait(false));
                return (_samba.EndPoint, null);
            case WanProtocol.Nfs:
                _ganesha = Own(await GaneshaServer.StartAsync(directory, state, cancellationToken).ConfigureAwait(false));
                return (_ganesha.Nfs, _ganesha.Mount);
            default:
                return (Own(new FileOrigin(_file)).EndPoint, null);
        }
    }

    private T Own<T>(T resource)
        where T : IAsyncDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    private ApplianceOptions Options(string name, string codec, PeerLinkOptions peerLink) => new()
    {
        Name = name,
        Store = new ChunkStoreOptions { Path = Path.Combine(_root, name), CapacityBytes = 32L << 30 },
        PeerLink = peerLink with { ReconnectMinDelay = TimeSpan.FromMilliseconds(50), ReconnectMaxDelay = TimeSpan.FromSeconds(1) },
        Flow = new FlowSettings { Codec = codec },
        Nfs = new NfsOptions { ReadAhead = _readAhead },
        Metrics = new MetricsOptions { Listen = null },
        ShutdownTimeout = TimeSpan.FromSeconds(5),
    };
}
