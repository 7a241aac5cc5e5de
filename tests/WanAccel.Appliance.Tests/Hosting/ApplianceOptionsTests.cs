using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using WanAccel.Appliance.FileTransfer;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Http;
using WanAccel.Appliance.Interception;
using WanAccel.Appliance.PeerLink;
using WanAccel.Core.Storage;

namespace WanAccel.Appliance.Tests.Hosting;

public sealed class ApplianceOptionsTests
{
    [Theory]
    [InlineData("edge.json", 4, "core")]
    [InlineData("core.json", 1, "edge")]
    public void SampleConfig_Binds_AndIsValid(string file, int rules, string peer)
    {
        var options = Bind(new ConfigurationBuilder().AddJsonFile(RepositoryFiles.Path("config", file)));

        Assert.Empty(ApplianceOptionsValidator.Collect(options));
        Assert.Equal(rules, options.Rules.Count);
        Assert.Equal(peer, Assert.Single(options.PeerLink.Peers).Name);
        Assert.Equal(1, options.Outbound.SocketMark);
    }

    [Fact]
    public void SampleConfigs_BindExportsAndTheFileTransferPort()
    {
        var core = Bind(new ConfigurationBuilder().AddJsonFile(RepositoryFiles.Path("config", "core.json")));
        var edge = Bind(new ConfigurationBuilder().AddJsonFile(RepositoryFiles.Path("config", "edge.json")));

        Assert.Equal([("images", "/srv/images", ExportAccess.ReadWrite), ("isos", "/srv/isos", ExportAccess.Read)], core.Exports.Select(e => (e.Name, e.Path, e.Access)));
        Assert.Null(core.FileTransfer.Listen);
        Assert.Equal("127.0.0.1:7471", edge.FileTransfer.Listen);
        Assert.Empty(edge.Exports);
    }

    [Fact]
    public void EnvironmentAndCommandLine_OverrideTheFile_InThatOrder()
    {
        Environment.SetEnvironmentVariable("WANACCEL__Store__CapacityBytes", "2147483648");
        Environment.SetEnvironmentVariable("WANACCEL__Flow__Codec", "zstd:9");
        try
        {
            var options = Bind(new ConfigurationBuilder()
                .AddJsonFile(RepositoryFiles.Path("config", "edge.json"))
                .AddEnvironmentVariables("WANACCEL__")
                .AddCommandLine(["--Flow:Codec=lz4", "--Rules:0:Listen=127.0.0.1:24445"]));

            Assert.Equal(2L << 30, options.Store.CapacityBytes);
            Assert.Equal("lz4", options.Flow.Codec);
            Assert.Equal("127.0.0.1:24445", options.Rules[0].Listen);
        }
        finally
        {
            Environment.SetEnvironmentVariable("WANACCEL__Store__CapacityBytes", null);
            Environment.SetEnvironmentVariable("WANACCEL__Flow__Codec", null);
        }
    }

    [Fact]
    public void Collect_ManyMistakes_ListsEveryOne()
    {
        var options = new ApplianceOptions
        {
            Store = new ChunkStoreOptions { Path = "" },
            PeerLink = new PeerLinkOptions { Peers = [new PeerOptions { Name = "core", PinnedFingerprints = ["nope"] }] },
            Rules =
            [
                new InterceptionRuleOptions { Name = "a", Listen = "localhost:1", Destination = "x:1" },
                new InterceptionRuleOptions { Name = "a", Listen = "127.0.0.1:2", Peer = "ghost" },
                new InterceptionRuleOptions { Name = "t", Listen = "127.0.0.1:3", Mode = InterceptionMode.Transparent, Destination = "x:1" },
            ],
            Outbound = new OutboundOptions { AllowedDestinations = ["10.0.0.0/33"], SocketMark = -1 },
            Flow = new FlowSettings { Codec = "brotli" },
            Nfs = new WanAccel.Appliance.Protocols.Nfs.NfsOptions { ReadAheadBytes = 1000 },
            Metrics = new MetricsOptions { Listen = "everywhere" },
            Exports =
            [
                new ExportOptions { Name = "images", Path = "relative/dir" },
                new ExportOptions { Name = "images", Path = "/srv", Access = (ExportAccess)7 },
                new ExportOptions { Name = "a/b", Path = "/srv" },
            ],
            FileTransfer = new FileTransferOptions { Listen = "loopback" },
            Http = new HttpProxyOptions
            {
                Listen = "127.0.0.1:8080",
                Routes = [new HttpRouteOptions { Name = "r", Path = "files", Cluster = "ghost" }],
                Clusters = [new HttpClusterOptions { Name = "c", Destinations = ["ftp://x/"], LoadBalancing = "Best", HealthCheck = new() { Interval = TimeSpan.Zero } }],
            },
        };

        var errors = ApplianceOptionsValidator.Collect(options);

        string[] expected =
        [
            "Store: Path", "pinned fingerprint 'nope'", "no Endpoint and PeerLink.Listen is empty",
            "Rule 'a': Listen must be", "Name is used by more than one rule", "Peer 'ghost'", "Destination must be host:port",
            "Destination must be empty in Transparent mode", "10.0.0.0/33", "SocketMark", "Flow.Codec", "Nfs.ReadAheadBytes", "Metrics.Listen",
            "Export 'images': Path must be an absolute", "Name is used by more than one export", "Access 7 is not defined",
            "Export 'a/b': Name must be one path component", "FileTransfer.Listen",
            "Http.Routes[0]: Path must be", "Cluster 'ghost'", "'ftp://x/' must be an absolute http://", "LoadBalancing 'Best'", "HealthCheck needs",
        ];
        foreach (var fragment in expected)
        {
            Assert.Contains(errors, e => e.Contains(fragment, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Schema_DescribesExactlyTheOptionsModel()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.Path("config", "wanaccel.schema.json")));
        var root = schema.RootElement.GetProperty("properties");

        AssertSameProperties(typeof(ApplianceOptions), root, extra: ["$schema", "Logging"]);
        AssertSameProperties(typeof(ChunkStoreOptions), root.GetProperty("Store").GetProperty("properties"));
        AssertSameProperties(typeof(PeerLinkOptions), root.GetProperty("PeerLink").GetProperty("properties"));
        AssertSameProperties(typeof(PeerOptions), root.GetProperty("PeerLink").GetProperty("properties").GetProperty("Peers").GetProperty("items").GetProperty("properties"));
        AssertSameProperties(typeof(InterceptionRuleOptions), root.GetProperty("Rules").GetProperty("items").GetProperty("properties"));
        AssertSameProperties(typeof(OutboundOptions), root.GetProperty("Outbound").GetProperty("properties"));
        AssertSameProperties(typeof(FlowSettings), root.GetProperty("Flow").GetProperty("properties"));
        AssertSameProperties(typeof(MetricsOptions), root.GetProperty("Metrics").GetProperty("properties"));
        AssertSameProperties(typeof(WanAccel.Appliance.Protocols.Nfs.NfsOptions), root.GetProperty("Nfs").GetProperty("properties"));
        AssertSameProperties(typeof(ExportOptions), root.GetProperty("Exports").GetProperty("items").GetProperty("properties"));
        AssertSameProperties(typeof(FileTransferOptions), root.GetProperty("FileTransfer").GetProperty("properties"));
        var http = root.GetProperty("Http").GetProperty("properties");
        AssertSameProperties(typeof(HttpProxyOptions), http);
        AssertSameProperties(typeof(HttpRouteOptions), http.GetProperty("Routes").GetProperty("items").GetProperty("properties"));
        var cluster = http.GetProperty("Clusters").GetProperty("items").GetProperty("properties");
        AssertSameProperties(typeof(HttpClusterOptions), cluster);
        AssertSameProperties(typeof(HttpHealthCheckOptions), cluster.GetProperty("HealthCheck").GetProperty("properties"));
    }

    private static ApplianceOptions Bind(IConfigurationBuilder builder) =>
        builder.Build().Get<ApplianceOptions>(o => o.ErrorOnUnknownConfiguration = false) ?? throw new InvalidOperationException("empty configuration");

    private static void AssertSameProperties(Type type, JsonElement schemaProperties, string[]? extra = null)
    {
        var model = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => p.Name)
            .Order();
        var schema = schemaProperties.EnumerateObject().Select(p => p.Name).Except(extra ?? []).Order();
        Assert.Equal(model, schema);
    }
}
