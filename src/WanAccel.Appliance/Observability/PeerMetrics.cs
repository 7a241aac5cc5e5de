using Prometheus;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.PeerLink;

namespace WanAccel.Appliance.Observability;

/// <summary>
/// Peer-link gauges and counters, read from the connectors (per peer) and the listener at each scrape. The listener's
/// byte counts cover every peer that dialled in (it keeps no per-peer totals); a connector's are its peer's.
/// </summary>
internal sealed class PeerMetrics
{
    private static readonly PeerRefusalReason[] Reasons = Enum.GetValues<PeerRefusalReason>();

    private readonly PeerDirectory _peers;
    private readonly string[] _names;
    private readonly Gauge _up;
    private readonly Gauge _connections;
    private readonly Gauge _rtt;
    private readonly Counter _linkBytes;
    private readonly Counter _listenerBytes;
    private readonly Counter _refused;

    public PeerMetrics(IMetricFactory factory, PeerDirectory peers)
    {
        _peers = peers;
        _names = [.. peers.PeerNames];
        _up = factory.CreateGauge("wanaccel_peer_link_up", "1 when a flow to the peer can open now (at least one authenticated connection), else 0.", ["peer"]);
        _connections = factory.CreateGauge("wanaccel_peer_link_connections", "Authenticated peer-link connections up to the peer.", ["peer"]);
        _rtt = factory.CreateGauge("wanaccel_peer_rtt_seconds", "Smoothed round-trip time to the peer measured by PING/PONG (smallest over its connections); absent before the first measurement.", ["peer"]);
        _linkBytes = factory.CreateCounter("wanaccel_peer_link_bytes_total",
            "Peer-link bytes on connections this appliance dials to the peer (frames of every flow and control; TLS overhead excluded); rate() is the link throughput.",
            ["peer", "direction"]);
        _listenerBytes = factory.CreateCounter("wanaccel_peer_listener_bytes_total",
            "Peer-link bytes on connections peers dialled in to this appliance's listener, all such peers together.", ["direction"]);
        _refused = factory.CreateCounter("wanaccel_peer_refused_total",
            "Peer-link connection attempts refused before use: incoming on the listener, outgoing by the connectors.", ["side", "reason"]);

        foreach (var name in _names)
        {
            _up.WithLabels(name).Set(0);
            _connections.WithLabels(name).Set(0);
        }

        foreach (var (name, _) in _peers.Connectors)
        {
            _linkBytes.WithLabels(name, "out");
            _linkBytes.WithLabels(name, "in");
        }

        foreach (var reason in Reasons)
        {
            if (_peers.Listener is not null)
            {
                _refused.WithLabels("incoming", ReasonLabel(reason));
            }

            if (_peers.Connectors.Count > 0)
            {
                _refused.WithLabels("outgoing", ReasonLabel(reason));
            }
        }

        if (_peers.Listener is not null)
        {
            _listenerBytes.WithLabels("out");
            _listenerBytes.WithLabels("in");
        }
    }

    public void Collect()
    {
        foreach (var name in _names)
        {
            _up.WithLabels(name).Set(_peers.IsUp(name) ? 1 : 0);
            var connector = _peers.Connectors.GetValueOrDefault(name);
            var listener = _peers.Listener;
            _connections.WithLabels(name).Set(connector?.ConnectionCount ?? listener?.ConnectionCount(name) ?? 0);
            var rtt = connector is not null ? connector.SmoothedRtt : listener?.SmoothedRtt(name);
            if (rtt is { } measured)
            {
                _rtt.WithLabels(name).Set(measured.TotalSeconds);
            }
            else
            {
                _rtt.RemoveLabelled(name);
            }
        }

        foreach (var (name, connector) in _peers.Connectors)
        {
            _linkBytes.WithLabels(name, "out").IncTo(connector.Statistics.BytesSent);
            _linkBytes.WithLabels(name, "in").IncTo(connector.Statistics.BytesReceived);
        }

        if (_peers.Listener is { } listening)
        {
            _listenerBytes.WithLabels("out").IncTo(listening.Statistics.BytesSent);
            _listenerBytes.WithLabels("in").IncTo(listening.Statistics.BytesReceived);
        }

        foreach (var reason in Reasons)
        {
            if (_peers.Listener is { } listener)
            {
                _refused.WithLabels("incoming", ReasonLabel(reason)).IncTo(listener.Statistics.Refused(reason));
            }

            if (_peers.Connectors.Count > 0)
            {
                _refused.WithLabels("outgoing", ReasonLabel(reason)).IncTo(_peers.Connectors.Values.Sum(c => c.Statistics.Refused(reason)));
            }
        }
    }

    /// <summary>handshake_timeout, tls_failed, no_certificate, unpinned_certificate, protocol_mismatch, overloaded.</summary>
    internal static string ReasonLabel(PeerRefusalReason reason) => reason switch
    {
        PeerRefusalReason.HandshakeTimeout => "handshake_timeout",
        PeerRefusalReason.TlsFailed => "tls_failed",
        PeerRefusalReason.NoCertificate => "no_certificate",
        PeerRefusalReason.UnpinnedCertificate => "unpinned_certificate",
        PeerRefusalReason.ProtocolMismatch => "protocol_mismatch",
        PeerRefusalReason.Overloaded => "overloaded",
        _ => "other",
    };
}
