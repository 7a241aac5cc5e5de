using System.Net.Sockets;
using System.Security.Cryptography;
using WanAccel.Appliance.Tests.Hosting;
using WanAccel.Appliance.Tests.WanEmulation;
using WanAccel.Appliance.WanEmulation;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>Both ends of one flow sending bulk data at the same time (full-duplex protocols, pipelined requests).</summary>
public sealed class BidirectionalFlowTests
{
    private const int BytesEachWay = 32 << 20;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BulkBothWays_AtOnce_ByteExactBothWays(bool slowLink)
    {
        var down = TestPayload.Create(BytesEachWay, seed: 81);
        var up = TestPayload.Create(BytesEachWay, seed: 82);
        var atOrigin = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var origin = new LoopbackServer(async (socket, ct) =>
        {
            var receiving = socket.ReadToEndHashAsync(ct);
            await socket.SendAllAsync(down, ct);
            socket.Shutdown(SocketShutdown.Send);
            atOrigin.TrySetResult((await receiving).Hash);
        });
        await using var pair = new AppliancePair(origin.EndPoint, wan: slowLink ? new WanEmulatorOptions { RateBitsPerSecond = 100_000_000, Rtt = TimeSpan.FromMilliseconds(20) } : null);
        await pair.WaitUpAsync();

        using var client = await SocketTestExtensions.ConnectAsync(pair.EdgeRule, pair.Token);
        var receiving = client.ReadToEndHashAsync(pair.Token);
        await client.SendAllAsync(up, pair.Token);
        client.Shutdown(SocketShutdown.Send);
        var (atClient, length) = await receiving;

        Assert.Equal(BytesEachWay, length);
        Assert.Equal(SHA256.HashData(down), atClient);
        Assert.Equal(SHA256.HashData(up), await atOrigin.Task.WaitAsync(pair.Token));
    }
}
