using System.Net.Security;
using Microsoft.Extensions.Logging;
using WanAccel.Appliance.Identity;

namespace WanAccel.Appliance.PeerLink;

/// <summary>What every connection of a listener or connector shares: identity, options, pins, counters, clock.</summary>
internal sealed class PeerLinkContext
{
    public PeerLinkContext(PeerIdentity identity, PeerLinkOptions options, PeerChannelHandler? handler, ILogger logger, TimeProvider time)
    {
        options.ThrowIfInvalid();
        Identity = identity;
        Options = options;
        Handler = handler;
        Logger = logger;
        Time = time;
        Pins = options.BuildPinMap();
        // offline: never fetch intermediates; a self-signed certificate has none.
        CertificateContext = SslStreamCertificateContext.Create(identity.Certificate, additionalCertificates: null, offline: true);
    }

    public PeerIdentity Identity { get; }

    public PeerLinkOptions Options { get; }

    public PeerChannelHandler? Handler { get; }

    public ILogger Logger { get; }

    public TimeProvider Time { get; }

    /// <summary>Normalized pinned fingerprint → peer name.</summary>
    public IReadOnlyDictionary<string, string> Pins { get; }

    public SslStreamCertificateContext CertificateContext { get; }

    public PeerLinkStatistics Statistics { get; } = new();

    /// <summary>Raised when a connection to a peer comes up, with the instance the peer announced in its hello.</summary>
    public event Action<string, Guid>? PeerInstanceSeen;

    public void OnConnectionUp(string peer, Guid instance) => PeerInstanceSeen?.Invoke(peer, instance);
}
