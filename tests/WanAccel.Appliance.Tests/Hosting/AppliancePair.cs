using System.Net;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Identity;
using WanAccel.Appliance.Interception;
using WanAccel.Appliance.PeerLink;
using WanAccel.Core.Storage;

namespace WanAccel.Appliance.Tests.Hosting;

/// <summary>
/// A core and an edge appliance in this process on loopback, pinned to each other, each with its own store under a
/// temporary directory. The edge has one forward rule to <c>destination</c>, the core one forward rule back to
/// <c>coreDestination</c> when given (flows originated by the core). Every wait is bounded.
/// </summary>
internal sealed class AppliancePair : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly string _root = Directory.CreateTempSubdirectory("wanaccel-pair-").FullName;
    private readonly CancellationTokenSource _timeout = new(Timeout);
    private readonly Func<ApplianceOptions, ApplianceOptions> _tune;
    private readonly string _destination;
    private readonly string? _coreDestination;

    public AppliancePair(IPEndPoint destination, IPEndPoint? coreDestination = null, Func<ApplianceOptions, ApplianceOptions>? tune = null)
    {
        _tune = tune ?? (o => o);
        _destination = destination.ToString();
        _coreDestination = coreDestination?.ToString();
        CoreIdentity = PeerIdentity.Create("core");
        EdgeIdentity = PeerIdentity.Create("edge");
        Core = StartCore(IPEndPoint.Parse("127.0.0.1:0"));
        Edge = StartEdge();
    }

    public PeerIdentity CoreIdentity { get; }

    public PeerIdentity EdgeIdentity { get; }

    public ApplianceInstance Core { get; private set; }

    public ApplianceInstance Edge { get; private set; }

    public CancellationToken Token => _timeout.Token;

    /// <summary>Flows that ended on the edge / the core, in the order they ended.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<FlowRecord> EdgeEnded { get; } = new();

    public System.Collections.Concurrent.ConcurrentQueue<FlowRecord> CoreEnded { get; } = new();

    /// <summary>Where a client connects to reach the destination through the pair.</summary>
    public IPEndPoint EdgeRule => Edge.RuleEndPoints["edge-rule"];

    public IPEndPoint CoreRule => Core.RuleEndPoints["core-rule"];

    public Task WaitUpAsync() => Task.WhenAll(Edge.WaitForPeersAsync(Token), Core.WaitForPeersAsync(Token));

    /// <summary>Stops the core and starts it again on the same port, optionally with an empty store.</summary>
    public async Task RestartCoreAsync(bool wipeStore)
    {
        var at = Core.PeerLinkEndPoint!;
        await Core.DisposeAsync();
        if (wipeStore)
        {
            Directory.Delete(Path.Combine(_root, "core"), recursive: true);
        }

        Core = StartCore(at);
    }

    public async Task RestartEdgeAsync(bool wipeStore)
    {
        await Edge.DisposeAsync();
        if (wipeStore)
        {
            Directory.Delete(Path.Combine(_root, "edge"), recursive: true);
        }

        Edge = StartEdge();
    }

    public async ValueTask DisposeAsync()
    {
        await Edge.DisposeAsync();
        await Core.DisposeAsync();
        _timeout.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private ApplianceInstance StartCore(IPEndPoint at) => Track(CoreEnded, ApplianceInstance.Start(_tune(new ApplianceOptions
    {
        Name = "core",
        Store = Store("core"),
        PeerLink = Fast(new PeerLinkOptions
        {
            Listen = at.ToString(),
            Peers = [new PeerOptions { Name = "edge", PinnedFingerprints = [EdgeIdentity.Fingerprint] }],
        }),
        Rules = _coreDestination is null ? [] : [new InterceptionRuleOptions { Name = "core-rule", Listen = "127.0.0.1:0", Destination = _coreDestination }],
        Metrics = new MetricsOptions { Listen = null },
        ShutdownTimeout = TimeSpan.FromSeconds(5),
    }), CoreIdentity));

    private ApplianceInstance StartEdge() => Track(EdgeEnded, ApplianceInstance.Start(_tune(new ApplianceOptions
    {
        Name = "edge",
        Store = Store("edge"),
        PeerLink = Fast(new PeerLinkOptions
        {
            Peers = [new PeerOptions { Name = "core", Endpoint = Core.PeerLinkEndPoint!.ToString(), PinnedFingerprints = [CoreIdentity.Fingerprint] }],
        }),
        Rules = [new InterceptionRuleOptions { Name = "edge-rule", Listen = "127.0.0.1:0", Destination = _destination }],
        Metrics = new MetricsOptions { Listen = null },
        ShutdownTimeout = TimeSpan.FromSeconds(5),
    }), EdgeIdentity));

    private static ApplianceInstance Track(System.Collections.Concurrent.ConcurrentQueue<FlowRecord> ended, ApplianceInstance appliance)
    {
        appliance.Flows.Ended += ended.Enqueue;
        return appliance;
    }

    private ChunkStoreOptions Store(string name) => new() { Path = Path.Combine(_root, name), CapacityBytes = 1L << 30 };

    private static PeerLinkOptions Fast(PeerLinkOptions options) => options with
    {
        ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
    };
}
