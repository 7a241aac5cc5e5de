using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WanAccel.Appliance.FileTransfer;
using WanAccel.Appliance.Http;
using WanAccel.Appliance.Identity;
using WanAccel.Appliance.Observability;
using WanAccel.Appliance.Protocols;
using WanAccel.Appliance.Protocols.Nfs.ReadAhead;
using WanAccel.Core.Storage;

namespace WanAccel.Appliance.Hosting;

/// <summary>
/// One running appliance: chunk store, peer link (listener and kept-warm connectors), interception rules and the flows
/// between them. <c>wanaccel serve</c> hosts one; tests, the demo and benchmarks run pairs of them in one process.
/// </summary>
public sealed class ApplianceInstance : IAsyncDisposable
{
    private readonly ApplianceServices _services;
    private readonly LogChunkStore _store;
    private readonly PeerDirectory _peers;
    private readonly MetricsServer? _metrics;
    private readonly HttpProxyServer? _http;
    private readonly List<RuleListener> _rules = [];
    private FileTransferListener? _fileTransfer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _aborting = new();
    private int _stopped;

    private ApplianceInstance(ApplianceOptions options, PeerIdentity identity, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        Options = options;
        Identity = identity;
        var logger = loggerFactory.CreateLogger<ApplianceInstance>();
        _store = LogChunkStore.Open(options.Store);
        _services = new ApplianceServices
        {
            Options = options,
            Store = _store,
            FlowOptions = options.Flow.ToFlowOptions(),
            Flows = Flows,
            Runner = new FlowRunner(Flows, Files, logger, options.ShutdownTimeout),
            NfsReadAhead = NfsReadAhead,
            Logger = logger,
            Stopping = _stopping.Token,
            Aborting = _aborting.Token,
        };
        var handler = new RemoteFlowHandler(_services);
        var peerLink = options.PeerLink with { InstanceId = StoreInstance.LoadOrCreate(options.Store.Path), SocketMark = options.Outbound.SocketMark };
        _peers = new PeerDirectory(identity, peerLink, options.Store.CapacityBytes, handler.HandleAsync, loggerFactory, timeProvider);
        _services.Peers = _peers;
        _http = HttpProxyServer.Create(_services, loggerFactory);
        _metrics = MetricsServer.Create(this, loggerFactory, _stopping.Token); // follows flows from here; serves from StartCore
    }

    public ApplianceOptions Options { get; }

    public PeerIdentity Identity { get; }

    public FlowRegistry Flows { get; } = new();

    /// <summary>File traffic the protocol parsers saw (for the metrics).</summary>
    internal FileTotals Files { get; } = new();

    /// <summary>NFS read-ahead counts of all flows so far (for the metrics).</summary>
    internal NfsReadAheadStatistics NfsReadAhead { get; } = new();

    public IChunkStore Store => _store;

    /// <summary>Where peers connect (the real port when configured with port 0); null without a listener.</summary>
    public IPEndPoint? PeerLinkEndPoint => _peers.Listener?.LocalEndPoint;

    /// <summary>Where <c>/metrics</c> and <c>/healthz</c> are served (the real port when configured with port 0); null when disabled.</summary>
    public IPEndPoint? MetricsEndPoint => _metrics?.LocalEndPoint;

    /// <summary>Where the HTTP reverse proxy listens (the real port when configured with port 0); null when disabled.</summary>
    public IPEndPoint? HttpEndPoint => _http?.LocalEndPoint;

    /// <summary>Bound address of each rule by name.</summary>
    public IReadOnlyDictionary<string, IPEndPoint> RuleEndPoints => _rules.ToDictionary(r => r.Name, r => r.LocalEndPoint, StringComparer.OrdinalIgnoreCase);

    /// <summary>Where local <c>wanaccel cp</c> clients connect (the real port when configured with port 0); null when disabled.</summary>
    public IPEndPoint? FileTransferEndPoint => _fileTransfer?.LocalEndPoint;

    internal PeerDirectory Peers => _peers;

    /// <summary>Validates <paramref name="options"/> (throwing with every error listed), opens the store and starts everything.</summary>
    public static ApplianceInstance Start(ApplianceOptions options, PeerIdentity identity, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        var errors = ApplianceOptionsValidator.Collect(options);
        if (errors.Count > 0)
        {
            throw new ApplianceConfigurationException(errors);
        }

        var instance = new ApplianceInstance(options, identity, loggerFactory ?? NullLoggerFactory.Instance, timeProvider ?? TimeProvider.System);
        try
        {
            instance.StartCore();
        }
        catch
        {
            instance.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        return instance;
    }

    /// <summary>True when every configured peer's link is up.</summary>
    public bool AllPeersUp => _peers.PeerNames.All(_peers.IsUp);

    /// <summary>Waits until every configured peer's link is up.</summary>
    public async Task WaitForPeersAsync(CancellationToken cancellationToken)
    {
        while (!AllPeersUp)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops taking flows, lets running ones finish for up to <see cref="ApplianceOptions.ShutdownTimeout"/> (or until
    /// <paramref name="cancellationToken"/> fires), resets the rest, then closes the peer link and the store.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var rule in _rules)
        {
            await rule.DisposeAsync().ConfigureAwait(false);
        }

        if (_fileTransfer is not null)
        {
            await _fileTransfer.DisposeAsync().ConfigureAwait(false);
        }

        if (_http is not null)
        {
            await _http.StopAsync(Options.ShutdownTimeout).ConfigureAwait(false);
            await _http.DisposeAsync().ConfigureAwait(false);
        }

        var running = Flows.Active.Count;
        if (running > 0)
        {
            ApplianceLog.Draining(_services.Logger, Options.ShutdownTimeout.TotalSeconds, running);
            using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            drain.CancelAfter(Options.ShutdownTimeout);
            try
            {
                await Flows.WaitIdleAsync(drain.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                ApplianceLog.DrainTimedOut(_services.Logger, Flows.Active.Count);
                await _aborting.CancelAsync().ConfigureAwait(false);
                await Flows.WaitIdleAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (_metrics is not null)
        {
            await _metrics.DisposeAsync().ConfigureAwait(false);
        }

        await _peers.DisposeAsync().ConfigureAwait(false);
        _store.Dispose();
        ApplianceLog.Stopped(_services.Logger, Options.Name);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _aborting.Dispose();
    }

    private void StartCore()
    {
        var peers = Options.PeerLink.Peers;
        foreach (var rule in Options.Rules)
        {
            _rules.Add(new RuleListener(rule, rule.Peer ?? peers[0].Name, _services));
        }

        if (!string.IsNullOrWhiteSpace(Options.FileTransfer.Listen))
        {
            _fileTransfer = new FileTransferListener(Options.FileTransfer.Listen, _services);
        }

        _peers.Start();
        foreach (var rule in _rules)
        {
            rule.Start();
        }

        _fileTransfer?.Start();
        _http?.Start();
        _metrics?.Start();

        var stats = _store.GetStatistics();
        ApplianceLog.Started(_services.Logger, Options.Name, Options.Store.Path, stats.ChunkCount, stats.UsedBytes, stats.CapacityBytes, Identity.Fingerprint);
    }
}
