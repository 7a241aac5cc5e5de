using System.Net;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Identity;
using WanAccel.Appliance.Interception;
using WanAccel.Appliance.PeerLink;
using WanAccel.Appliance.WanEmulation;
using WanAccel.Core.Storage;

namespace WanAccel.Appliance.Tests.Hosting;

/// <summary>
/// A core and an edge appliance in this process on loopback, pinned to each other, each with its own store under a
/// temporary directory. The edge has one forward rule to <c>destination</c>, the core one forward rule back to
/// <c>coreDestination</c> when given (flows originated by the core). With <c>wan</c> the edge reaches the core's peer
/// port through a <see cref="WanEmulator"/> that a test can stop (cutting the link) and start again on the same port.
/// Every wait is bounded.
/// </summary>
internal sealed class AppliancePair : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly string _root = Directory.CreateTempSubdirectory("wanaccel-pair-").FullName;
    private readonly CancellationTokenSource _timeout = new(Timeout);
    private readonly Func<ApplianceOptions, ApplianceOptions> _tune;
    private readonly string _destination;
    private readonly string? _coreDestination;
    private readonly WanEmulatorOptions? _wanOptions;
    private IPEndPoint? _wanEndPoint;

    public AppliancePair(IPEndPoint destination, IPEndPoint? coreDestination = null, Func<ApplianceOptions, ApplianceOptions>? tune = null,
        WanEmulatorOptions? wan = null)
    {
        _tune = tune ?? (o => o);
        _destination = destination.ToString();
        _coreDestination = coreDestination?.ToString();
        CoreIdentity = PeerIdentity.Create("core");
        EdgeIdentity = PeerIdentity.Create("edge");
        Core = StartCore(IPEndPoint.Parse("127.0.0.1:0"));
        if (wan is not null)
        {
            _wanOptions = wan with { TargetEndPoint = Core.PeerLinkEndPoint };
            Wan = WanEmulator.StartAsync(_wanOptions).GetAwaiter().GetResult(); // completes synchronously (bind + listen)
        }

        Edge = StartEdge();
    }

    public PeerIdentity CoreIdentity { get; }

    public PeerIdentity EdgeIdentity { get; }

    public ApplianceInstance Core { get; private set; }

    public ApplianceInstance Edge { get; private set; }

    /// <summary>The emulated WAN between edge and core; null without one, or while stopped.</summary>
    public WanEmulator? Wan { get; private set; }

    /// <summary>The core's peer-link listener: refusals and connection counts.</summary>
    public PeerLinkStatistics CoreListener => Core.Peers.Listener!.Statistics;

    public CancellationToken Token => _timeout.Token;

    /// <summary>Flows that ended on the edge / the core, in the order they ended.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<FlowRecord> EdgeEnded { get; } = new();

    public System.Collections.Concurrent.ConcurrentQueue<FlowRecord> CoreEnded { get; } = new();

    /// <summary>Where a client connects to reach the destination through the pair.</summary>
    public IPEndPoint EdgeRule => Edge.RuleEndPoints["edge-rule"];

    public IPEndPoint CoreRule => Core.RuleEndPoints["core-rule"];

    /// <summary>
    /// WAN bytes of every flow the edge has carried so far, ended and running, sent to the core and received from it
    /// (for clients whose requests share pooled connections, or that open several connections).
    /// </summary>
    public (long Out, long In) EdgeWanBytes()
    {
        var records = EdgeEnded.Concat(Edge.Flows.Active).DistinctBy(r => r.Id).ToList();
        return (records.Sum(r => r.Statistics.WanBytesOut), records.Sum(r => r.Statistics.WanBytesIn));
    }

    public Task WaitUpAsync() => Task.WhenAll(Edge.WaitForPeersAsync(Token), Core.WaitForPeersAsync(Token));

    /// <summary>
    /// Waits until the link is whole again after a restart or a cut: every edge connection slot up and the core holding
    /// exactly that many, so no channel is opened on a connection whose loss one side has not noticed yet.
    /// </summary>
    public async Task WaitReconnectedAsync()
    {
        var slots = Edge.Options.PeerLink.ConnectionsPerPeer;
        var connector = Edge.Peers.Connectors["core"];
        while (connector.ConnectionCount != slots || CoreListener.ConnectionsUp != slots)
        {
            await Task.Delay(10, Token);
        }
    }

    /// <summary>Completes with the next flow the edge registers, once it has ended (call before starting the client).</summary>
    public Task<FlowRecord> NextEdgeFlowAsync() => NextFlowAsync(Edge);

    /// <summary>Completes with the next flow the core registers, once it has ended.</summary>
    public Task<FlowRecord> NextCoreFlowAsync() => NextFlowAsync(Core);

    /// <summary>
    /// Stops the core and starts it again on the same port, optionally with an empty store. <paramref name="abrupt"/>
    /// gives running flows no drain time: they are reset at once, as when the process dies.
    /// </summary>
    public async Task RestartCoreAsync(bool wipeStore, bool abrupt = false, bool keepInstance = false)
    {
        var at = Core.PeerLinkEndPoint!;
        await StopAsync(Core, abrupt);
        if (wipeStore)
        {
            Wipe("core", keepInstance);
        }

        Core = StartCore(at);
    }

    public async Task RestartEdgeAsync(bool wipeStore, bool abrupt = false, bool keepInstance = false)
    {
        await StopAsync(Edge, abrupt);
        if (wipeStore)
        {
            Wipe("edge", keepInstance);
        }

        Edge = StartEdge();
    }

    /// <summary>Cuts the link: the emulator resets every relayed connection and stops listening.</summary>
    public async Task StopWanAsync()
    {
        var wan = Wan ?? throw new InvalidOperationException("The pair has no WAN emulator running.");
        Wan = null;
        await wan.StopAsync(Token);
    }

    /// <summary>Starts the emulator again on the port the edge dials; the edge reconnects with its back-off.</summary>
    public async Task StartWanAsync()
    {
        if (_wanOptions is null || Wan is not null)
        {
            throw new InvalidOperationException("The pair has no stopped WAN emulator.");
        }

        Wan = await WanEmulator.StartAsync(_wanOptions with { ListenEndPoint = WanEndPoint! }, Token);
    }

    public async ValueTask DisposeAsync()
    {
        await Edge.DisposeAsync();
        if (Wan is not null)
        {
            await Wan.DisposeAsync();
        }

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
            Peers = [new PeerOptions { Name = "core", Endpoint = (WanEndPoint ?? Core.PeerLinkEndPoint!).ToString(), PinnedFingerprints = [CoreIdentity.Fingerprint] }],
        }),
        Rules = [new InterceptionRuleOptions { Name = "edge-rule", Listen = "127.0.0.1:0", Destination = _destination }],
        Metrics = new MetricsOptions { Listen = null },
        ShutdownTimeout = TimeSpan.FromSeconds(5),
    }), EdgeIdentity));

    /// <summary>Where the edge dials the core: the emulator's port (kept across its restarts), or null without one.</summary>
    private IPEndPoint? WanEndPoint => _wanOptions is null ? null : _wanEndPoint ??= Wan!.LocalEndPoint;

    private Task<FlowRecord> NextFlowAsync(ApplianceInstance appliance)
    {
        var after = appliance.Flows.Total;
        var ended = new TaskCompletionSource<FlowRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnEnded(FlowRecord record)
        {
            if (record.Id > after && ended.TrySetResult(record))
            {
                appliance.Flows.Ended -= OnEnded;
            }
        }

        appliance.Flows.Ended += OnEnded;
        return ended.Task.WaitAsync(Token);
    }

    private static async Task StopAsync(ApplianceInstance appliance, bool abrupt)
    {
        if (abrupt)
        {
            await appliance.StopAsync(new CancellationToken(canceled: true));
        }

        await appliance.DisposeAsync();
    }

    private static ApplianceInstance Track(System.Collections.Concurrent.ConcurrentQueue<FlowRecord> ended, ApplianceInstance appliance)
    {
        appliance.Flows.Ended += ended.Enqueue;
        return appliance;
    }

    /// <summary>
    /// Deletes a store. With <paramref name="keepInstance"/> its instance id survives, as if the store had lost its data
    /// without the peer being told (corruption, a restored backup): the peer's stale references then miss.
    /// </summary>
    private void Wipe(string name, bool keepInstance)
    {
        var directory = Path.Combine(_root, name);
        var id = Path.Combine(directory, "appliance.id");
        var kept = keepInstance ? File.ReadAllText(id) : null;
        Directory.Delete(directory, recursive: true);
        if (kept is not null)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(id, kept);
        }
    }

    private ChunkStoreOptions Store(string name) => new() { Path = Path.Combine(_root, name), CapacityBytes = 1L << 30 };

    private static PeerLinkOptions Fast(PeerLinkOptions options) => options with
    {
        ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
    };
}
