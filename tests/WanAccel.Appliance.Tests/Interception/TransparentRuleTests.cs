using System.Net;
using System.Net.Sockets;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Identity;
using WanAccel.Appliance.Interception;
using WanAccel.Appliance.PeerLink;
using WanAccel.Core.Storage;

namespace WanAccel.Appliance.Tests.Interception;

/// <summary>A transparent rule in this process, without nftables: every connection reaching it directly is refused.</summary>
public sealed class TransparentRuleTests
{
    [NeedsTheory(Requirement.Linux)]
    [InlineData("127.0.0.1:0", "127.0.0.1")]
    [InlineData("[::]:0", "127.0.0.1")] // dual-mode listener, v4-mapped client socket
    [InlineData("[::]:0", "::1")]
    public async Task DirectConnection_IsResetLoggedAndStartsNoFlow(string listen, string connectTo)
    {
        var root = Directory.CreateTempSubdirectory("wanaccel-rule-").FullName;
        using var core = PeerIdentity.Create("core");
        using var edge = PeerIdentity.Create("edge");
        using var log = new CapturedLog();
        using var loggers = log.CreateFactory();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await using var appliance = ApplianceInstance.Start(new ApplianceOptions
            {
                Name = "edge",
                Store = new ChunkStoreOptions { Path = Path.Combine(root, "store"), CapacityBytes = 1 << 26 },
                PeerLink = new PeerLinkOptions
                {
                    // A core nobody runs: a refused connection must never get as far as asking a peer.
                    Peers = [new PeerOptions { Name = "core", Endpoint = "127.0.0.1:9", PinnedFingerprints = [core.Fingerprint] }],
                },
                Rules = [new InterceptionRuleOptions { Name = "transparent", Listen = listen, Mode = InterceptionMode.Transparent }],
                Metrics = new MetricsOptions { Listen = null },
            }, edge, loggers);

            var port = appliance.RuleEndPoints["transparent"].Port;
            using var client = new Socket(IPAddress.Parse(connectTo).AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            var localPort = 0;

            // The reset can beat the connect's completion on loopback: either call may report it.
            var error = await Assert.ThrowsAsync<SocketException>(async () =>
            {
                await client.ConnectAsync(new IPEndPoint(IPAddress.Parse(connectTo), port), timeout.Token);
                localPort = ((IPEndPoint)client.LocalEndPoint!).Port;
                await client.ReceiveAsync(new byte[16], SocketFlags.None, timeout.Token);
            });

            Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
            Assert.Contains(log.Lines, l => l.StartsWith("Warning[3305] Rule transparent: connection from ", StringComparison.Ordinal)
                && l.Contains(localPort == 0 ? " refused: not redirected here" : $":{localPort} refused: not redirected here", StringComparison.Ordinal));
            Assert.Equal(0, appliance.Flows.Total);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
