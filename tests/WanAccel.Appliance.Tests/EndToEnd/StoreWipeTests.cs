using System.Net.Sockets;
using System.Security.Cryptography;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Tests.Hosting;
using WanAccel.Appliance.Tests.WanEmulation;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>
/// One side loses its chunk store while the other still believes it holds the chunks. A wiped store announces a new
/// instance when it reconnects and the peer forgets what it believed (no misses); a store that lost its data but kept
/// its instance gets stale references: they come back as misses and are resent. Either way transfers stay byte-exact
/// with less reduction, and the next one is warm again.
/// </summary>
public sealed class StoreWipeTests
{
    private const int DataBytes = 16 << 20;

    /// <summary>
    /// Core wiped: with a new instance the edge forgets at reconnect (no miss); with the old instance kept the edge still
    /// believes the core holds the chunks, references miss and are resent. Edge wiped: the new edge knows nothing of the
    /// core and sends literals the core already holds (no miss, no gain).
    /// </summary>
    [Theory]
    [InlineData("core", false)]
    [InlineData("core", true)]
    [InlineData("edge", false)]
    public async Task StoreWiped_UploadAgain_ByteExactThenWarmAgain(string wiped, bool keepInstance)
    {
        await using var sink = new FramedSink();
        await using var pair = new AppliancePair(sink.EndPoint);
        await pair.WaitUpAsync();
        var data = TestPayload.Create(DataBytes, seed: 51);
        await FramedTransfer.AssertByteExactAsync(pair, sink, data);

        await (wiped == "core" ? pair.RestartCoreAsync(wipeStore: true, keepInstance: keepInstance) : pair.RestartEdgeAsync(wipeStore: true));
        await pair.WaitReconnectedAsync();
        Assert.Equal(0, (wiped == "core" ? pair.Core : pair.Edge).Store.GetStatistics().ChunkCount);
        var (afterWipe, afterWipeCore) = await UploadAsync(pair, sink, data);
        var (again, _) = await UploadAsync(pair, sink, data);

        if (keepInstance)
        {
            Assert.True(afterWipeCore.Decoded!.Misses > 0, "the edge referenced chunks the wiped core reported missing");
            Assert.True(afterWipeCore.Decoded.ResentBytes > DataBytes / 2, $"resent {afterWipeCore.Decoded.ResentBytes} bytes");
        }
        else
        {
            Assert.Equal(0, afterWipeCore.Decoded!.Misses);
        }

        Assert.True(afterWipe.Statistics.WanBytesOut > DataBytes / 4, $"after the wipe the edge sent {afterWipe.Statistics.WanBytesOut} WAN bytes");
        Warm.AssertWarm(again.Statistics.WanBytesOut, DataBytes, "the upload after");
        Assert.Equal(0, pair.Edge.Flows.Failed + pair.Core.Flows.Failed);
    }

    [Fact]
    public async Task EdgeStoreLostItsData_CoreStillBelievesItHoldsChunks_DownloadByteExactThroughMisses()
    {
        var data = TestPayload.Create(DataBytes, seed: 52);
        await using var origin = new LoopbackServer((s, ct) => ApplianceFlowTests.SendThenCloseAsync(s, data, ct));
        await using var pair = new AppliancePair(origin.EndPoint);
        await pair.WaitUpAsync();
        await DownloadAsync(pair, data);

        await pair.RestartEdgeAsync(wipeStore: true, keepInstance: true);
        await pair.WaitReconnectedAsync();
        Assert.Equal(0, pair.Edge.Store.GetStatistics().ChunkCount);
        var afterWipe = await DownloadAsync(pair, data);
        var again = await DownloadAsync(pair, data);

        Assert.True(afterWipe.Edge.Decoded!.Misses > 0, "the core referenced chunks the wiped edge reported missing");
        Assert.True(afterWipe.Core.Statistics.WanBytesOut > DataBytes / 4, $"after the wipe the core sent {afterWipe.Core.Statistics.WanBytesOut} WAN bytes");
        Warm.AssertWarm(again.Core.Statistics.WanBytesOut, DataBytes, "the download after");
        Assert.Equal(0, pair.Edge.Flows.Failed + pair.Core.Flows.Failed);
    }

    private static async Task<(FlowRecord Edge, FlowRecord Core)> UploadAsync(AppliancePair pair, FramedSink sink, byte[] data)
    {
        var edge = pair.NextEdgeFlowAsync();
        var core = pair.NextCoreFlowAsync();
        await FramedTransfer.AssertByteExactAsync(pair, sink, data);
        return (await edge, await core);
    }

    private static async Task<(FlowRecord Edge, FlowRecord Core)> DownloadAsync(AppliancePair pair, byte[] data)
    {
        var edge = pair.NextEdgeFlowAsync();
        var core = pair.NextCoreFlowAsync();
        using (var client = await SocketTestExtensions.ConnectAsync(pair.EdgeRule, pair.Token))
        {
            client.Shutdown(SocketShutdown.Send);
            var (hash, length) = await client.ReadToEndHashAsync(pair.Token);
            Assert.Equal(data.Length, length);
            Assert.Equal(SHA256.HashData(data), hash);
        }

        return (await edge, await core);
    }
}
