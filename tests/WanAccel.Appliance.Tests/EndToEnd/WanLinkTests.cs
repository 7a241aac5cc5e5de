using System.Net.Sockets;
using WanAccel.Appliance.Tests.Hosting;
using WanAccel.Appliance.WanEmulation;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>The peer link through the user-space WAN emulator: a slow, distant link, and that link cut mid-transfer.</summary>
public sealed class WanLinkTests
{
    private static readonly WanEmulatorOptions Wan = new()
    {
        RateBitsPerSecond = 200_000_000,
        Rtt = TimeSpan.FromMilliseconds(20),
        LossProbability = 0.001,
        Seed = 1,
    };

    [Fact]
    public async Task Transfer_Over200MbitAnd20msRtt_ByteExactColdAndWarm()
    {
        await using var sink = new FramedSink();
        await using var pair = new AppliancePair(sink.EndPoint, wan: Wan);
        await pair.WaitUpAsync();
        var data = TestPayload.Create(16 << 20, seed: 31);

        var cold = pair.NextEdgeFlowAsync();
        await FramedTransfer.AssertByteExactAsync(pair, sink, data);
        var coldFlow = await cold;
        var warm = pair.NextEdgeFlowAsync();
        await FramedTransfer.AssertByteExactAsync(pair, sink, data);
        var warmFlow = await warm;

        var relayed = pair.Wan!.Statistics.ClientToTarget.BytesOut;
        Assert.True(relayed >= coldFlow.Statistics.WanBytesOut, $"the emulator delivered {relayed} bytes, the edge sent {coldFlow.Statistics.WanBytesOut}");
        Warm.AssertWarm(warmFlow.Statistics.WanBytesOut, data.Length, "second transfer");
    }

    [Fact]
    public async Task LinkCut_MidTransfer_ResetOnBothSidesThenReconnectsAndTransfersByteExact()
    {
        await using var sink = new FramedSink();
        await using var pair = new AppliancePair(sink.EndPoint, wan: Wan with { LossProbability = 0 });
        await pair.WaitUpAsync();
        var data = TestPayload.Create(24 << 20, seed: 32);
        var edgeFlow = pair.NextEdgeFlowAsync();
        var coreFlow = pair.NextCoreFlowAsync();

        // The client holds back the second half until the link is gone, so the transfer cannot finish.
        var cut = await FramedTransfer.RunAsync(pair, sink, data, pauseAt: 8 << 20, fault: pair.StopWanAsync);

        FramedTransfer.AssertResetOnBothSides(cut);
        Assert.NotNull((await edgeFlow).Error);
        Assert.NotNull((await coreFlow).Error);

        await pair.StartWanAsync();
        await pair.WaitReconnectedAsync();
        await FramedTransfer.AssertByteExactAsync(pair, sink, data);
        await FramedTransfer.AssertByteExactAsync(pair, sink, TestPayload.Create(4 << 20, seed: 33));
    }
}
