using System.Text.Json;
using System.Text.Json.Nodes;
using WanAccel.Appliance.Identity;
using WanAccel.Appliance.Tests.Hosting;
using WanAccel.Cli.Peers;

namespace WanAccel.Appliance.Tests.Interception;

/// <summary>
/// Three network namespaces joined by veth pairs, with real <c>wanaccel serve</c> processes:
/// <code>
///  edge ns: client + edge appliance ── wan 198.18.0.0/24, 2001:2::/64 ── core ns: core appliance ── lan 198.18.2.0/24, 2001:2:0:2::/64 ── origin ns
/// </code>
/// Both appliance namespaces have the interception rules installed by appliance/nftables/wanaccel-intercept.sh with
/// <c>--local</c>: in the edge they send the client's connections to the origin network to the transparent rule; in
/// the core the same rules would catch the core's own connection to the origin (and send it to a port nothing listens
/// on) unless it carries the appliance's SO_MARK. The core does not forward, so nothing reaches the origin except
/// through the core's own sockets.
/// </summary>
public sealed class InterceptionTestBed : IAsyncLifetime
{
    public const int TransparentPort = 7400;
    public const int PeerLinkPort = 7443;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly List<NetworkNamespace> _namespaces = [];
    private readonly List<ExternalProgram> _appliances = [];

    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("wanaccel-intercept-").FullName;

    internal NetworkNamespace Edge { get; private set; } = null!;

    internal NetworkNamespace Core { get; private set; } = null!;

    internal NetworkNamespace Origin { get; private set; } = null!;

    internal ExternalProgram EdgeAppliance { get; private set; } = null!;

    internal ExternalProgram CoreAppliance { get; private set; } = null!;

    /// <summary>The script's options in both appliance namespaces: the benchmarking ranges, ports 9000–9002.</summary>
    public static string[] InstallOptions { get; } =
    [
        "--redirect-port", $"{TransparentPort}", "--ports", "9000,9001,9002", "--cidrs", "198.18.0.0/15,2001:2::/48",
        "--mark", "0x1", "--exclude-port", $"{PeerLinkPort}", "--local",
    ];

    public async Task InitializeAsync()
    {
        if (InterceptionEnvironment.SkipReason(Requirement.Namespaces) is not null)
        {
            return; // every test of the class is skipped
        }

        try
        {
            BuildNetwork();
            await StartAppliancesAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var appliance in _appliances)
        {
            await appliance.DisposeAsync();
        }

        foreach (var ns in _namespaces)
        {
            ns.Dispose();
        }

        Directory.Delete(WorkDirectory, recursive: true);
    }

    /// <summary>Packets counted so far by the interception rule with <paramref name="comment"/> in <paramref name="ns"/>.</summary>
    internal static long RulePackets(NetworkNamespace ns, string comment)
    {
        var listing = JsonNode.Parse(ns.Run("nft", "-j", "list", "chain", "inet", "wanaccel", "intercept"))!["nftables"]!.AsArray();
        var rule = listing.Select(n => n!["rule"]).Single(r => r is not null && (string?)r["comment"] == comment)!;
        return (long)rule["expr"]!.AsArray().Single(e => e!["counter"] is not null)!["counter"]!["packets"]!;
    }

    private void BuildNetwork()
    {
        Edge = Add(new NetworkNamespace("edge"));
        Core = Add(new NetworkNamespace("core"));
        Origin = Add(new NetworkNamespace("origin"));

        Edge.Link("wan", Core, "wan");
        Edge.Address("wan", "198.18.0.1/24", "2001:2::1/64");
        Core.Address("wan", "198.18.0.2/24", "2001:2::2/64");
        Core.Link("lan", Origin, "lan");
        Core.Address("lan", "198.18.2.1/24", "2001:2:0:2::1/64");
        Origin.Address("lan", "198.18.2.2/24", "2001:2:0:2::2/64");

        // The client's connect needs a route to the origin before nat output rewrites it; were it not redirected, it
        // would go to the core, which does not forward.
        Edge.Route("198.18.2.0/24", "198.18.0.2");
        Edge.Route("2001:2:0:2::/64", "2001:2::2");
        Origin.Route("default", "198.18.2.1");
        Origin.Route("default", "2001:2:0:2::1");
        Core.Run("sysctl", "-q", "-w", "net.ipv4.ip_forward=0", "net.ipv6.conf.all.forwarding=0");

        var script = RepositoryFiles.Path("appliance", "nftables", "wanaccel-intercept.sh");
        Edge.Run(["bash", script, "install", .. InstallOptions]);
        Core.Run(["bash", script, "install", .. InstallOptions]);
    }

    private async Task StartAppliancesAsync()
    {
        using var edgeIdentity = PeerIdentityStore.Create(Path.Combine(WorkDirectory, "edge-identity"), "edge");
        using var coreIdentity = PeerIdentityStore.Create(Path.Combine(WorkDirectory, "core-identity"), "core");

        CoreAppliance = Serve(Core, "core", new
        {
            PeerLink = new
            {
                Listen = $"0.0.0.0:{PeerLinkPort}",
                Peers = new[] { new { Name = "edge", PinnedFingerprints = new[] { edgeIdentity.Fingerprint } } },
            },
            Outbound = new { SocketMark = 1, AllowedDestinations = new[] { "198.18.2.0/24", "2001:2:0:2::/64" } },
        });
        EdgeAppliance = Serve(Edge, "edge", new
        {
            PeerLink = new
            {
                Peers = new[] { new { Name = "core", Endpoint = $"198.18.0.2:{PeerLinkPort}", PinnedFingerprints = new[] { coreIdentity.Fingerprint } } },
                ReconnectMinDelay = "00:00:00.050",
                ReconnectMaxDelay = "00:00:00.500",
            },
            Rules = new[] { new { Name = "transparent", Listen = $"[::]:{TransparentPort}", Mode = "Transparent" } },
            Outbound = new { SocketMark = 1 },
        });

        await EdgeAppliance.WaitForLineAsync(l => l.Contains("Rule transparent (Transparent) listening on [::]:7400", StringComparison.Ordinal), Timeout, "its transparent rule");
        await EdgeAppliance.WaitForLineAsync(l => l.Contains("Peer link connection up: peer core", StringComparison.Ordinal), Timeout, "its link to the core");
    }

    private ExternalProgram Serve(NetworkNamespace ns, string name, object options)
    {
        var config = JsonSerializer.SerializeToNode(options)!.AsObject();
        config["Name"] = name;
        config["IdentityDirectory"] = Path.Combine(WorkDirectory, $"{name}-identity");
        config["Store"] = new JsonObject { ["Path"] = Path.Combine(WorkDirectory, $"{name}-store"), ["CapacityBytes"] = 1L << 30 };
        config["Metrics"] = new JsonObject { ["Listen"] = "" };
        config["ShutdownTimeout"] = "00:00:05";
        config["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Information" } };
        var file = Path.Combine(WorkDirectory, $"{name}.json");
        File.WriteAllText(file, config.ToJsonString());

        var appliance = ns.Start(name, InterceptionEnvironment.DotnetHost, InterceptionEnvironment.CliPath, "serve", "--config", file);
        _appliances.Add(appliance);
        return appliance;
    }

    private NetworkNamespace Add(NetworkNamespace ns)
    {
        _namespaces.Add(ns);
        return ns;
    }
}
