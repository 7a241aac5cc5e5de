using System.Net;
using Microsoft.Extensions.Logging;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Http;
using WanAccel.Appliance.Identity;
using WanAccel.Appliance.Interception;
using WanAccel.Appliance.PeerLink;
using WanAccel.Appliance.WanEmulation;
using WanAccel.Core.Storage;

namespace WanAccel.Cli.Wan;

/// <summary>
/// Everything the demo and <c>bench wan</c> run on loopback, in this process: an origin server, a core appliance
/// next to it, the WAN emulator on the peer link, and an edge appliance that reaches the origin through the pair.
/// A second emulator with the same settings (plus the legacy window, if any) carries the native copy.
/// With <see cref="WanProtocol.Tcp"/> the origin is a plain TCP file server behind an edge forward rule; with
/// <see cref="WanProtocol.Http"/> it is a real nginx behind the edge's HTTP proxy, and the client is curl.
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
    private NginxServer? _nginx;
    private WanProtocol _protocol;

    private WanTestbed(string? workDirectory)
    {
        _root = workDirectory is null
            ? Directory.CreateTempSubdirectory("wanaccel-testbed-").FullName
            : Directory.CreateDirectory(Path.Combine(workDirectory, $"wanaccel-testbed-{Environment.ProcessId}")).FullName;
    }

    /// <summary>Bytes that crossed the emulated peer link so far, both directions (TLS and framing included).</summary>
    public long WanBytes => _link!.Statistics is var s ? s.ClientToTarget.BytesOut + s.TargetToClient.BytesOut : 0;

    public static async Task<WanTestbed> StartAsync(
        string file, WanProtocol protocol, WanEmulatorOptions link, string codec, string? workDirectory, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var bed = new WanTestbed(workDirectory) { _protocol = protocol };
        try
        {
            IPEndPoint origin;
            if (protocol == WanProtocol.Http)
            {
                bed._nginx = await NginxServer.StartAsync(file, Directory.CreateDirectory(Path.Combine(bed._root, "nginx")).FullName, cancellationToken).ConfigureAwait(false);
                origin = bed._nginx.EndPoint;
            }
            else
            {
                bed._origin = new FileOrigin(file);
                origin = bed._origin.EndPoint;
            }

            bed._core = ApplianceInstance.Start(bed.Options("core", codec, new PeerLinkOptions
            {
                Listen = "127.0.0.1:0",
                Peers = [new PeerOptions { Name = "edge", PinnedFingerprints = [bed._edgeIdentity.Fingerprint] }],
            }, rules: []), bed._coreIdentity, loggerFactory);
            bed._link = await WanEmulator.StartAsync(link with { WindowBytes = 0, TargetEndPoint = bed._core.PeerLinkEndPoint }, cancellationToken).ConfigureAwait(false);
            bed._nativeLink = await WanEmulator.StartAsync(link with { TargetEndPoint = origin }, cancellationToken).ConfigureAwait(false);
            var edge = bed.Options("edge", codec, new PeerLinkOptions
            {
                Peers = [new PeerOptions { Name = "core", Endpoint = bed._link.LocalEndPoint.ToString(), PinnedFingerprints = [bed._coreIdentity.Fingerprint] }],
            }, rules: protocol == WanProtocol.Http ? [] : [new InterceptionRuleOptions { Name = "origin", Listen = "127.0.0.1:0", Destination = origin.ToString() }]);
            if (protocol == WanProtocol.Http)
            {
                edge = edge with
                {
                    Http = new HttpProxyOptions
                    {
                        Listen = "127.0.0.1:0",
                        Routes = [new HttpRouteOptions { Name = "origin", Cluster = "origin" }],
                        Clusters = [new HttpClusterOptions { Name = "origin", Destinations = [$"http://{origin}/"] }],
                    },
                };
            }

            bed._edge = ApplianceInstance.Start(edge, bed._edgeIdentity, loggerFactory);
            await Task.WhenAll(bed._edge.WaitForPeersAsync(cancellationToken), bed._core.WaitForPeersAsync(cancellationToken)).ConfigureAwait(false);
            return bed;
        }
        catch
        {
            await bed.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Copies the file to this process with the protocol's client, through the pair or (not <paramref name="accelerated"/>) over the emulated link alone.</summary>
    public Task<(TimeSpan Elapsed, long Bytes, byte[] Sha256)> DownloadAsync(bool accelerated, Action<long> progress, CancellationToken cancellationToken)
    {
        if (_protocol == WanProtocol.Http)
        {
            var server = accelerated ? _edge!.HttpEndPoint! : _nativeLink!.LocalEndPoint;
            return CurlDownload.RunAsync(new Uri($"http://{server}/{Uri.EscapeDataString(_nginx!.FileName)}"), progress, cancellationToken);
        }

        return FileDownload.RunAsync(accelerated ? _edge!.RuleEndPoints["origin"] : _nativeLink!.LocalEndPoint, progress, cancellationToken);
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

        if (_nginx is not null)
        {
            await _nginx.DisposeAsync().ConfigureAwait(false);
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
