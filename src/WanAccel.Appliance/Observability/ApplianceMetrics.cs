using Prometheus;
using WanAccel.Appliance.Hosting;

namespace WanAccel.Appliance.Observability;

/// <summary>
/// The Prometheus metrics of one appliance, in a registry of its own (not prometheus-net's static default, so two
/// appliances in one process — the demo, the tests — never share a series). Values are read from the live statistics
/// just before each collection; see docs/metrics.md for every name.
/// </summary>
internal sealed class ApplianceMetrics : IDisposable
{
    private readonly FlowMetrics _flows;
    private readonly StoreMetrics _store;
    private readonly PeerMetrics _peers;
    private readonly FileMetrics _files;

    public ApplianceMetrics(ApplianceInstance appliance)
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        factory.CreateGauge("wanaccel_appliance_info", "Always 1; the labels name the appliance and its version.", ["name", "version"])
            .WithLabels(appliance.Options.Name, ApplianceAssembly.Version).Set(1);
        factory.CreateGauge("wanaccel_start_time_seconds", "When the appliance started, in seconds since the Unix epoch.")
            .Set(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
        var errors = factory.CreateCounter("wanaccel_errors_total",
            "Failed flows by where they failed (peer_unavailable, destination_unreachable, peer_reset, protocol, io, aborted, internal), refused connections and requests (client_refused, request_refused), and chunk-store records that failed verification (store_corrupt).",
            ["kind"]);
        foreach (var kind in FlowErrorKind.All)
        {
            errors.WithLabels(kind);
        }

        _flows = new FlowMetrics(factory, appliance.Flows, appliance.Options.Rules, errors);
        appliance.Flows.Refused += refusal => errors.WithLabels(refusal == FlowRefusal.NotRedirected ? FlowErrorKind.ClientRefused : FlowErrorKind.RequestRefused).Inc();
        _store = new StoreMetrics(factory, appliance.Store, errors);
        _peers = new PeerMetrics(factory, appliance.Peers);
        _files = new FileMetrics(factory, appliance.Files, appliance.NfsReadAhead);
        Registry.AddBeforeCollectCallback(Collect);
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Brings every value up to date (prometheus-net calls this before each scrape).</summary>
    public void Collect()
    {
        _flows.Collect();
        _store.Collect();
        _peers.Collect();
        _files.Collect();
    }

    /// <summary>Stops following the flow registry.</summary>
    public void Dispose() => _flows.Dispose();
}
