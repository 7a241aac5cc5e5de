using Prometheus;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Interception;

namespace WanAccel.Appliance.Observability;

/// <summary>
/// Flow counters by rule, protocol and origin. Bytes are counted live: each scrape adds what every running flow did
/// since the previous scrape, and a flow's end adds what remains of its final counts, so long flows show progress and
/// nothing is counted twice or lost (<see cref="Collect"/> and <see cref="OnEnded"/> share one lock and one
/// per-flow record of what was counted).
/// </summary>
internal sealed class FlowMetrics : IDisposable
{
    /// <summary>
    /// Most (rule, protocol) label pairs; later ones count as rule="other". Local rules come from the configuration,
    /// remote ones from the peers' requests, so this bounds what a misbehaving peer can add (64 × 2 origins × ~40 series, the histogram included).
    /// </summary>
    public const int MaxRules = 64;

    private static readonly string[] Labels = ["rule", "protocol", "origin"];
    private static readonly string[] Directions = ["in", "out"];
    private static readonly string[] Kinds = ["zero", "reference", "literal", "passthrough"];
    private static readonly double[] DurationBuckets = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600];

    private readonly FlowRegistry _flows;
    private readonly Counter _errors;
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Counted> _counted = [];
    private readonly HashSet<(string Rule, string Protocol)> _rules = [];
    private readonly HashSet<FlowLabels> _seen = [];
    private readonly Dictionary<FlowLabels, int> _active = [];
    private readonly Counter _lanBytes;
    private readonly Counter _wanBytes;
    private readonly Counter _encodedBytes;
    private readonly Counter _chunkHits;
    private readonly Counter _chunkMisses;
    private readonly Counter _resentBytes;
    private readonly Gauge _flowsActive;
    private readonly Counter _flowsTotal;
    private readonly Histogram _duration;
    private readonly Gauge _reduction;
    private FlowCounts _total;

    public FlowMetrics(IMetricFactory factory, FlowRegistry flows, IEnumerable<InterceptionRuleOptions> rules, Counter errors)
    {
        _flows = flows;
        _errors = errors;
        _lanBytes = factory.CreateCounter("wanaccel_lan_bytes_total",
            "Bytes on the LAN side of flows: in = read from the local socket (to send), out = written to it (received).", [.. Labels, "direction"]);
        _wanBytes = factory.CreateCounter("wanaccel_wan_bytes_total",
            "Bytes on the WAN side of flows (peer channel): out = frames and feedback sent, in = received.", [.. Labels, "direction"]);
        _encodedBytes = factory.CreateCounter("wanaccel_encoded_bytes_total",
            "LAN bytes this appliance encoded, by how they crossed the WAN: zero (as run lengths), reference (chunks the peer holds), literal (compressed or raw), passthrough (TLS, SSH, compressed or random streams sent as they are, not cached).",
            [.. Labels, "kind"]);
        _chunkHits = factory.CreateCounter("wanaccel_chunk_hits_total",
            "References from the peer this appliance's decoder resolved from its chunk store (a manifest reference counts once).", Labels);
        _chunkMisses = factory.CreateCounter("wanaccel_chunk_misses_total",
            "References from the peer the decoder could not resolve (absent or evicted chunk); each was resent.", Labels);
        _resentBytes = factory.CreateCounter("wanaccel_resent_bytes_total",
            "Bytes resent after a chunk miss: out = this appliance resent them, in = the peer resent them to this appliance.", [.. Labels, "direction"]);
        _flowsActive = factory.CreateGauge("wanaccel_flows_active", "Flows running now.", Labels);
        _flowsTotal = factory.CreateCounter("wanaccel_flows_total", "Flows that ended, by result (ok or error).", [.. Labels, "result"]);
        _duration = factory.CreateHistogram("wanaccel_flow_duration_seconds", "Duration of flows that ended, from accept (or the peer's open) to close.",
            Labels, new HistogramConfiguration { Buckets = DurationBuckets });
        _reduction = factory.CreateGauge("wanaccel_reduction_ratio",
            "LAN bytes over WAN bytes since the appliance started: out = LAN in / WAN out (what this side sent), in = LAN out / WAN in (what it received); NaN before any WAN byte.",
            ["direction"]);

        foreach (var rule in rules)
        {
            Bound(new FlowLabels(rule.Name, rule.Protocol, FlowLabels.OriginOf(FlowOrigin.Local)));
        }

        _flows.Ended += OnEnded;
    }

    /// <summary>Adds what running flows did since the last call; updates the active-flow and ratio gauges.</summary>
    public void Collect()
    {
        lock (_lock)
        {
            foreach (var key in _active.Keys)
            {
                _active[key] = 0;
            }

            foreach (var flow in _flows.Active)
            {
                if (flow.IsCompleted)
                {
                    continue; // OnEnded counts it (it runs after IsCompleted is set, under this lock)
                }

                if (!_counted.TryGetValue(flow.Id, out var counted))
                {
                    counted = new Counted(Bound(FlowLabels.Of(flow)));
                    _counted[flow.Id] = counted;
                }

                Add(counted, FlowCounts.Of(flow));
                _active[counted.Labels] = _active.GetValueOrDefault(counted.Labels) + 1;
            }

            foreach (var (key, count) in _active)
            {
                _flowsActive.WithLabels(key.With()).Set(count);
            }

            _reduction.WithLabels("out").Set(Ratio(_total.LanIn, _total.WanOut));
            _reduction.WithLabels("in").Set(Ratio(_total.LanOut, _total.WanIn));
        }
    }

    public void Dispose() => _flows.Ended -= OnEnded;

    /// <summary>Final counts of an ended flow (called by the registry once per flow; must not throw).</summary>
    private void OnEnded(FlowRecord flow)
    {
        lock (_lock)
        {
            var counted = _counted.Remove(flow.Id, out var running) ? running : new Counted(Bound(FlowLabels.Of(flow)));
            Add(counted, FlowCounts.Of(flow));
            var labels = counted.Labels;
            _flowsTotal.WithLabels(labels.With(flow.Error is null ? "ok" : "error")).Inc();
            _duration.WithLabels(labels.With()).Observe(flow.Duration.TotalSeconds);
            if (flow.Error is not null)
            {
                _errors.WithLabels(FlowErrorKind.Of(flow)).Inc();
            }
        }
    }

    private void Add(Counted counted, in FlowCounts now)
    {
        var delta = now.Since(counted.Counts);
        counted.Counts += delta;
        _total += delta;
        var labels = counted.Labels;
        Inc(_lanBytes, labels, "in", delta.LanIn);
        Inc(_lanBytes, labels, "out", delta.LanOut);
        Inc(_wanBytes, labels, "out", delta.WanOut);
        Inc(_wanBytes, labels, "in", delta.WanIn);
        Inc(_encodedBytes, labels, "zero", delta.ZeroBytes);
        Inc(_encodedBytes, labels, "reference", delta.ReferenceBytes);
        Inc(_encodedBytes, labels, "literal", delta.LiteralBytes);
        Inc(_encodedBytes, labels, "passthrough", delta.PassthroughBytes);
        _chunkHits.WithLabels(labels.With()).Inc(delta.ChunkHits);
        _chunkMisses.WithLabels(labels.With()).Inc(delta.ChunkMisses);
        Inc(_resentBytes, labels, "out", delta.ResentOut);
        Inc(_resentBytes, labels, "in", delta.ResentIn);
    }

    /// <summary>The labels to count <paramref name="labels"/> under: itself, or rule="other" past <see cref="MaxRules"/>.</summary>
    private FlowLabels Bound(FlowLabels labels)
    {
        if (!_rules.Contains((labels.Rule, labels.Protocol)))
        {
            if (_rules.Count >= MaxRules)
            {
                labels = labels.AsOther();
            }

            _rules.Add((labels.Rule, labels.Protocol));
        }

        if (_seen.Add(labels))
        {
            Publish(labels);
        }

        return labels;
    }

    /// <summary>Creates every series of a label set at zero, so dashboards and rate() see it before its first flow.</summary>
    private void Publish(FlowLabels labels)
    {
        _active.TryAdd(labels, 0);
        foreach (var direction in Directions)
        {
            _lanBytes.WithLabels(labels.With(direction));
            _wanBytes.WithLabels(labels.With(direction));
            _resentBytes.WithLabels(labels.With(direction));
        }

        foreach (var kind in Kinds)
        {
            _encodedBytes.WithLabels(labels.With(kind));
        }

        _flowsTotal.WithLabels(labels.With("ok"));
        _flowsTotal.WithLabels(labels.With("error"));
        _chunkHits.WithLabels(labels.With());
        _chunkMisses.WithLabels(labels.With());
        _duration.WithLabels(labels.With());
        _flowsActive.WithLabels(labels.With()).Set(0);
    }

    private static void Inc(Counter counter, FlowLabels labels, string last, long delta)
    {
        if (delta > 0)
        {
            counter.WithLabels(labels.With(last)).Inc(delta);
        }
    }

    private static double Ratio(long lan, long wan) => wan == 0 ? double.NaN : (double)lan / wan;

    /// <summary>What has been added to the counters for one running flow.</summary>
    private sealed class Counted(FlowLabels labels)
    {
        public FlowLabels Labels { get; } = labels;

        public FlowCounts Counts { get; set; }
    }
}
