using Microsoft.Extensions.Logging;
using WanAccel.Appliance.Identity;
using WanAccel.Appliance.PeerLink;
using WanAccel.Core.Knowledge;

namespace WanAccel.Appliance.Hosting;

/// <summary>
/// The configured peers: the listener for peers that dial in, a kept-warm connector for each peer with an endpoint,
/// and what each peer is believed to hold. Opens channels to a peer by name whichever way its link was made.
/// </summary>
internal sealed class PeerDirectory : IAsyncDisposable
{
    private readonly Dictionary<string, PeerConnector> _connectors = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, PeerKnowledge> _knowledge = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Guid> _instances = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger _logger;

    public PeerDirectory(PeerIdentity identity, PeerLinkOptions options, long knowledgeBytes, PeerChannelHandler handler, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        _logger = loggerFactory.CreateLogger<PeerDirectory>();
        foreach (var peer in options.Peers)
        {
            _knowledge[peer.Name] = new PeerKnowledge(knowledgeBytes);
            if (peer.Endpoint is not null)
            {
                var connector = new PeerConnector(identity, options, peer.Name, handler, loggerFactory, timeProvider);
                connector.PeerInstanceSeen += OnPeerInstance;
                _connectors[peer.Name] = connector;
            }
        }

        if (options.Listen is not null)
        {
            Listener = new PeerLinkListener(identity, options, handler, loggerFactory, timeProvider);
            Listener.PeerInstanceSeen += OnPeerInstance;
        }
    }

    public PeerLinkListener? Listener { get; }

    public IReadOnlyDictionary<string, PeerConnector> Connectors => _connectors;

    public IEnumerable<string> PeerNames => _knowledge.Keys;

    public void Start()
    {
        Listener?.Start();
        foreach (var connector in _connectors.Values)
        {
            connector.Start();
        }
    }

    public IPeerKnowledge KnowledgeOf(string peer) => _knowledge[peer];

    /// <summary>True when a channel to the peer can be opened now.</summary>
    public bool IsUp(string peer) =>
        _connectors.TryGetValue(peer, out var connector) ? connector.State == PeerLinkState.Up : Listener?.ConnectedPeers.Contains(peer, StringComparer.OrdinalIgnoreCase) == true;

    public ValueTask<PeerChannel> OpenChannelAsync(string peer, ReadOnlyMemory<byte> metadata, CancellationToken cancellationToken) =>
        _connectors.TryGetValue(peer, out var connector)
            ? connector.OpenChannelAsync(metadata, cancellationToken)
            : Listener!.OpenChannelAsync(peer, metadata, cancellationToken);

    /// <summary>A peer whose store instance changed lost what we believed it holds: forget it all at once.</summary>
    private void OnPeerInstance(string peer, Guid instance)
    {
        lock (_instances)
        {
            var known = _instances.TryGetValue(peer, out var previous);
            _instances[peer] = instance;
            if (!known || previous == instance || !_knowledge.TryGetValue(peer, out var knowledge))
            {
                return;
            }

            knowledge.Clear();
        }

        ApplianceLog.PeerStoreReplaced(_logger, peer, instance);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connector in _connectors.Values)
        {
            await connector.DisposeAsync().ConfigureAwait(false);
        }

        if (Listener is not null)
        {
            await Listener.DisposeAsync().ConfigureAwait(false);
        }
    }
}
