using WanAccel.Appliance.Interception;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Identity;
using WanAccel.Appliance.Tests.Hosting;
using WanAccel.Appliance.Tests.WanEmulation;
using WanAccel.Core.Storage;

namespace WanAccel.Appliance.Tests.Observability;

public sealed class MetricsEndpointTests
{
    private const string Lan = "wanaccel_lan_bytes_total";
    private const string Wan = "wanaccel_wan_bytes_total";

    [Fact]
    public async Task Upload_ThroughPair_CountersMatchFlowRecordsOnBothSides()
    {
        await using var origin = new LoopbackServer(ApplianceFlowTests.SinkReplyingHashAsync);
        await using var pair = new AppliancePair(origin.EndPoint, tune: WithMetrics);
        await pair.WaitUpAsync();
        var data = TestPayload.Create(4 << 20, seed: 11);

        await ApplianceFlowTests.UploadAsync(pair, data);
        await WaitEndedAsync(pair, edge: 1, core: 1);
        var edgeFlow = Assert.Single(pair.EdgeEnded);
        var coreFlow = Assert.Single(pair.CoreEnded);
        var edge = await ScrapeWhenRttMeasuredAsync(pair.Edge, "core", pair.Token);
        var core = await ScrapeWhenRttMeasuredAsync(pair.Core, "edge", pair.Token);

        (string, string)[] local = [("rule", "edge-rule"), ("protocol", "tcp"), ("origin", "local")];
        Assert.Equal(data.Length, edge.Value(Lan, [.. local, ("direction", "in")]));
        AssertFlowCounters(edge, edgeFlow, local);
        Assert.True(edge.Value(Wan, [.. local, ("direction", "out")]) > 0);
        Assert.Equal(1, edge.Value("wanaccel_flows_total", [.. local, ("result", "ok")]));
        Assert.Equal(0, edge.Value("wanaccel_flows_total", [.. local, ("result", "error")]));
        Assert.Equal(edgeFlow.Statistics.LanBytesIn / (double)edgeFlow.Statistics.WanBytesOut, edge.Value("wanaccel_reduction_ratio", ("direction", "out")), 9);
        Assert.Equal(1, edge.Value("wanaccel_peer_link_up", ("peer", "core")));
        Assert.True(edge.Value("wanaccel_peer_link_connections", ("peer", "core")) >= 1);
        Assert.True(edge.Value("wanaccel_peer_link_bytes_total", ("peer", "core"), ("direction", "out")) >= edgeFlow.Statistics.WanBytesOut);

        (string, string)[] remote = [("rule", "edge-rule"), ("protocol", "tcp"), ("origin", "remote")];
        Assert.Equal(data.Length, core.Value(Lan, [.. remote, ("direction", "out")]));
        AssertFlowCounters(core, coreFlow, remote);
        Assert.Equal(1, core.Value("wanaccel_flows_total", [.. remote, ("result", "ok")]));
        Assert.Equal(1, core.Value("wanaccel_peer_link_up", ("peer", "edge")));
        Assert.True(core.Value("wanaccel_peer_listener_bytes_total", ("direction", "in")) >= coreFlow.Statistics.WanBytesIn);

        foreach (var (scrape, appliance) in new[] { (edge, pair.Edge), (core, pair.Core) })
        {
            var store = appliance.Store.GetStatistics();
            Assert.Equal(store.CapacityBytes, scrape.Value("wanaccel_store_capacity_bytes"));
            Assert.Equal(store.UsedBytes, scrape.Value("wanaccel_store_used_bytes"));
            Assert.Equal(store.ChunkCount, scrape.Value("wanaccel_store_chunks"));
            Assert.Equal(0, scrape.Value("wanaccel_flows_active", [("rule", "edge-rule")]));
            Assert.Equal(1, scrape.Sum("wanaccel_flow_duration_seconds_count"));
            Assert.Equal(0, scrape.Sum("wanaccel_errors_total"));
            Assert.Equal(1, scrape.Value("wanaccel_appliance_info", ("name", appliance.Options.Name)));
            var (status, body) = await HealthAsync(appliance, pair.Token);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("ok", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task CoreStopped_EdgeHealth_Returns503NamingThePeer()
    {
        await using var origin = new LoopbackServer(ApplianceFlowTests.SinkReplyingHashAsync);
        await using var pair = new AppliancePair(origin.EndPoint, tune: WithMetrics);
        await pair.WaitUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await HealthAsync(pair.Edge, pair.Token)).Status);
        var coreMetrics = pair.Core.MetricsEndPoint!;

        await pair.Core.StopAsync(pair.Token);

        var (status, body) = await HealthAsync(pair.Edge, pair.Token);
        while (status == HttpStatusCode.OK)
        {
            await Task.Delay(20, pair.Token);
            (status, body) = await HealthAsync(pair.Edge, pair.Token);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        using var health = JsonDocument.Parse(body);
        Assert.Equal("unavailable", health.RootElement.GetProperty("status").GetString());
        Assert.Contains("'core'", health.RootElement.GetProperty("reason").GetString());
        Assert.NotEqual("up", health.RootElement.GetProperty("peers").GetProperty("core").GetString());
        var edge = await MetricsScrape.GetAsync(pair.Edge.MetricsEndPoint!, pair.Token);
        Assert.Equal(0, edge.Value("wanaccel_peer_link_up", ("peer", "core")));
        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://{coreMetrics}/healthz", pair.Token));
    }

    [Fact]
    public async Task Download_SlowReader_CountersGrowWhileTheFlowRunsAndEndExact()
    {
        var data = TestPayload.Create(32 << 20, seed: 12);
        await using var origin = new LoopbackServer((s, ct) => ApplianceFlowTests.SendThenCloseAsync(s, data, ct));
        await using var pair = new AppliancePair(origin.EndPoint, tune: WithMetrics);
        await pair.WaitUpAsync();
        (string, string)[] lanOut = [("rule", "edge-rule"), ("origin", "local"), ("direction", "out")];

        // A small receive buffer keeps the edge from writing far ahead of what this reader took.
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 64 * 1024 };
        await client.ConnectAsync(pair.EdgeRule, pair.Token);
        var buffer = new byte[64 * 1024];
        long read = 0;
        var first = double.NaN;
        var previous = 0.0;
        var grew = false;
        while (!grew && read < data.Length)
        {
            read += await ReadAsync(client, buffer, 1 << 20, pair.Token);
            var edge = await MetricsScrape.GetAsync(pair.Edge.MetricsEndPoint!, pair.Token);
            var now = edge.Value(Lan, lanOut);
            Assert.True(now >= read, $"LAN out {now} < {read} read by the client");
            Assert.True(now >= previous, $"LAN out went from {previous} down to {now}");
            Assert.Equal(1, edge.Value("wanaccel_flows_active", ("rule", "edge-rule")));
            Assert.Single(pair.Edge.Flows.Active); // the origin waits for this client's FIN, so the flow is still running
            grew = now > first;
            first = double.IsNaN(first) ? now : first;
            previous = now;
        }

        Assert.True(grew, $"LAN out stayed at {first} while the client read {read} bytes");
        while (await client.ReceiveAsync(buffer, SocketFlags.None, pair.Token) is var n and > 0)
        {
            read += n;
        }

        client.Shutdown(SocketShutdown.Send);
        await WaitEndedAsync(pair, edge: 1, core: 1);
        var final = await MetricsScrape.GetAsync(pair.Edge.MetricsEndPoint!, pair.Token);
        Assert.Equal(data.Length, read);
        Assert.Equal(data.Length, final.Value(Lan, lanOut));
        Assert.Equal(Assert.Single(pair.EdgeEnded).Statistics.WanBytesIn, final.Value(Wan, [("rule", "edge-rule"), ("direction", "in")]));
        Assert.Equal(0, final.Value("wanaccel_flows_active", ("rule", "edge-rule")));
    }

    [Fact]
    public async Task TransparentRule_DirectConnection_RefusedAndCounted()
    {
        await using var origin = new LoopbackServer(ApplianceFlowTests.SinkReplyingHashAsync);
        await using var pair = new AppliancePair(origin.EndPoint, tune: o => WithMetrics(o) with
        {
            Rules = o.Rules.Count == 0 ? o.Rules : [.. o.Rules, new InterceptionRuleOptions { Name = "transparent", Listen = "127.0.0.1:0", Mode = InterceptionMode.Transparent }],
        });
        await pair.WaitUpAsync();

        await Assert.ThrowsAsync<SocketException>(async () =>
        {
            using var client = await SocketTestExtensions.ConnectAsync(pair.Edge.RuleEndPoints["transparent"], pair.Token);
            await client.ReadToEndHashAsync(pair.Token);
        });

        var edge = await MetricsScrape.GetAsync(pair.Edge.MetricsEndPoint!, pair.Token);
        Assert.Equal(1, edge.Value("wanaccel_errors_total", ("kind", "client_refused")));
        Assert.Equal(0, pair.Edge.Flows.Total);
    }

    [Fact]
    public async Task DestinationDown_FailedFlow_CountedAsErrorOnBothSides()
    {
        var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var deadEnd = (IPEndPoint)closed.LocalEndPoint!;
        closed.Dispose();
        await using var pair = new AppliancePair(deadEnd, tune: WithMetrics);
        await pair.WaitUpAsync();

        // The reset can beat the connect's completion on loopback: either call may report it.
        await Assert.ThrowsAsync<SocketException>(async () =>
        {
            using var client = await SocketTestExtensions.ConnectAsync(pair.EdgeRule, pair.Token);
            await client.ReadToEndHashAsync(pair.Token);
        });

        await WaitEndedAsync(pair, edge: 1, core: 1);
        var edge = await MetricsScrape.GetAsync(pair.Edge.MetricsEndPoint!, pair.Token);
        var core = await MetricsScrape.GetAsync(pair.Core.MetricsEndPoint!, pair.Token);

        Assert.Equal(1, core.Value("wanaccel_errors_total", ("kind", "destination_unreachable")));
        Assert.Equal(1, core.Sum("wanaccel_errors_total"));
        Assert.Equal(1, core.Value("wanaccel_flows_total", ("origin", "remote"), ("result", "error")));
        Assert.Equal(1, edge.Value("wanaccel_errors_total", ("kind", "peer_reset")));
        Assert.Equal(1, edge.Value("wanaccel_flows_total", ("origin", "local"), ("result", "error")));
        Assert.Equal(0, edge.Value("wanaccel_flows_total", ("origin", "local"), ("result", "ok")));
    }

    [Fact]
    public async Task Start_MetricsAddressInUse_ThrowsAndReleasesTheStore()
    {
        using var busy = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        busy.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        busy.Listen();
        var store = Directory.CreateTempSubdirectory("wanaccel-metrics-");
        using var identity = PeerIdentity.Create("solo");
        var options = new ApplianceOptions
        {
            Name = "solo",
            Store = new ChunkStoreOptions { Path = store.FullName, CapacityBytes = 64 << 20 },
            Metrics = new MetricsOptions { Listen = busy.LocalEndPoint!.ToString() },
        };
        try
        {
            Assert.ThrowsAny<IOException>(() => ApplianceInstance.Start(options, identity));

            await using var appliance = ApplianceInstance.Start(options with { Metrics = new MetricsOptions { Listen = "127.0.0.1:0" } }, identity);
            var (status, body) = await HealthAsync(appliance, CancellationToken.None);
            Assert.Equal(HttpStatusCode.OK, status); // no peers: healthy once the store is open
            Assert.Contains("\"peers\":{}", body, StringComparison.Ordinal);
        }
        finally
        {
            store.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Start_MetricsListenEmpty_ServesNothing()
    {
        await using var origin = new LoopbackServer(ApplianceFlowTests.SinkReplyingHashAsync);
        await using var pair = new AppliancePair(origin.EndPoint);

        Assert.Null(pair.Edge.MetricsEndPoint);
        Assert.Null(pair.Core.MetricsEndPoint);
    }

    /// <summary>Both appliances of a pair serve metrics on a free loopback port.</summary>
    internal static ApplianceOptions WithMetrics(ApplianceOptions options) => options with { Metrics = new MetricsOptions { Listen = "127.0.0.1:0" } };

    /// <summary>Scrapes until the RTT to <paramref name="peer"/> has been measured (the first PONG), so every series is there.</summary>
    internal static async Task<MetricsScrape> ScrapeWhenRttMeasuredAsync(ApplianceInstance appliance, string peer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var scrape = await MetricsScrape.GetAsync(appliance.MetricsEndPoint!, cancellationToken);
            if (scrape.Has("wanaccel_peer_rtt_seconds", ("peer", peer)))
            {
                return scrape;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>Waits until the pair's Ended queues hold this many flows (the metrics saw them first: they subscribed at start).</summary>
    internal static async Task WaitEndedAsync(AppliancePair pair, int edge, int core)
    {
        while (pair.EdgeEnded.Count < edge || pair.CoreEnded.Count < core)
        {
            await Task.Delay(10, pair.Token);
        }
    }

    private static void AssertFlowCounters(MetricsScrape scrape, FlowRecord flow, (string, string)[] labels)
    {
        var bytes = flow.Statistics;
        Assert.Equal(bytes.LanBytesIn, scrape.Value(Lan, [.. labels, ("direction", "in")]));
        Assert.Equal(bytes.LanBytesOut, scrape.Value(Lan, [.. labels, ("direction", "out")]));
        Assert.Equal(bytes.WanBytesOut, scrape.Value(Wan, [.. labels, ("direction", "out")]));
        Assert.Equal(bytes.WanBytesIn, scrape.Value(Wan, [.. labels, ("direction", "in")]));
        var encoded = flow.Encoded!;
        Assert.Equal(encoded.ZeroBytes, scrape.Value("wanaccel_encoded_bytes_total", [.. labels, ("kind", "zero")]));
        Assert.Equal(encoded.RefBytes + encoded.ManifestRefBytes, scrape.Value("wanaccel_encoded_bytes_total", [.. labels, ("kind", "reference")]));
        Assert.Equal(encoded.LiteralBytes, scrape.Value("wanaccel_encoded_bytes_total", [.. labels, ("kind", "literal")]));
        Assert.Equal(encoded.ResentBytes, scrape.Value("wanaccel_resent_bytes_total", [.. labels, ("direction", "out")]));
        var decoded = flow.Decoded!;
        Assert.Equal(decoded.RefChunks + decoded.ManifestRefs, scrape.Value("wanaccel_chunk_hits_total", labels));
        Assert.Equal(decoded.Misses, scrape.Value("wanaccel_chunk_misses_total", labels));
        Assert.Equal(decoded.ResentBytes, scrape.Value("wanaccel_resent_bytes_total", [.. labels, ("direction", "in")]));
    }

    private static async Task<(HttpStatusCode Status, string Body)> HealthAsync(ApplianceInstance appliance, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync($"http://{appliance.MetricsEndPoint}/healthz", cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>Reads up to <paramref name="count"/> bytes (fewer only at EOF).</summary>
    private static async Task<long> ReadAsync(Socket socket, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        long read = 0;
        while (read < count && await socket.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count - read)), SocketFlags.None, cancellationToken) is var n and > 0)
        {
            read += n;
        }

        return read;
    }
}
