using System.Net.Sockets;
using System.Text;
using WanAccel.Appliance.Tests.Hosting;
using WanAccel.Appliance.Tests.WanEmulation;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>
/// Request/response protocols through the pair, where each side waits for the other's message before it sends the next:
/// a message the encoder holds back waiting for more bytes stalls both ends for good.
/// </summary>
public sealed class InteractiveFlowTests
{
    // rsync's daemon greeting: the first message of every rsync session, byte for byte the same each time.
    private static readonly byte[] Greeting = "@RSYNCD: 32.0 sha512 sha256 sha1 md5 md4\n"u8.ToArray();

    [Fact]
    public async Task Handshake_GreetingsSeenInAnEarlierFlow_AreNotHeldBack()
    {
        await using var origin = new LoopbackServer(ServeHandshakeAsync);
        await using var pair = new AppliancePair(origin.EndPoint);
        await pair.WaitUpAsync();

        // The first session teaches both sides the greetings and the manifests that start with them; in the next
        // ones every greeting is a known chunk at the head of a known manifest.
        for (var session = 0; session < 3; session++)
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(pair.Token);
            bounded.CancelAfter(TimeSpan.FromSeconds(10));
            using var client = await SocketTestExtensions.ConnectAsync(pair.EdgeRule, bounded.Token);
            Assert.Equal(Greeting, await client.ReadExactlyAsync(Greeting.Length, bounded.Token));
            await client.SendAllAsync(Greeting, bounded.Token);
            Assert.Equal("ok\n"u8.ToArray(), await client.ReadExactlyAsync(3, bounded.Token));
            await client.SendAllAsync(Encoding.ASCII.GetBytes($"session {session}\n"), bounded.Token);
            client.Shutdown(SocketShutdown.Send);
            var (_, rest) = await client.ReadToEndHashAsync(bounded.Token);
            Assert.Equal(0, rest);
        }

        await ApplianceFlowTests.WaitForFlowsAsync(pair);
        Assert.Equal(0, pair.Edge.Flows.Failed + pair.Core.Flows.Failed);
    }

    private static async Task ServeHandshakeAsync(Socket socket, CancellationToken cancellationToken)
    {
        await socket.SendAllAsync(Greeting, cancellationToken);
        Assert.Equal(Greeting, await socket.ReadExactlyAsync(Greeting.Length, cancellationToken));
        await socket.SendAllAsync("ok\n"u8.ToArray(), cancellationToken);
        await socket.ReadToEndHashAsync(cancellationToken);
        socket.Shutdown(SocketShutdown.Send);
    }
}
