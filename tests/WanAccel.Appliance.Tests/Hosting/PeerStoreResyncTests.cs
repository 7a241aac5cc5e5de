namespace WanAccel.Appliance.Tests.Hosting;

public sealed class PeerStoreResyncTests
{
    [Fact]
    public async Task CoreStoreWiped_EdgeForgetsAtReconnect_NextTransferHasNoMisses()
    {
        await using var origin = new WanEmulation.LoopbackServer(ApplianceFlowTests.SinkReplyingHashAsync);
        await using var pair = new AppliancePair(origin.EndPoint);
        await pair.WaitUpAsync();
        var data = TestPayload.Create(8 << 20, seed: 11);
        var cold = await ApplianceFlowTests.UploadAsync(pair, data);

        await pair.RestartCoreAsync(wipeStore: true);
        await pair.WaitUpAsync();
        var again = await ApplianceFlowTests.UploadAsync(pair, data);

        var coreFlow = pair.CoreEnded.Last();
        Assert.Equal(0, coreFlow.Decoded!.Misses);
        Assert.Equal(0, coreFlow.Decoded.RefChunks);
        Assert.InRange(again.WanOut, cold.WanOut * 0.9, cold.WanOut * 1.1);
    }

    [Fact]
    public async Task CoreRestartedWithItsStore_EdgeKeepsItsKnowledge_NextTransferIsWarm()
    {
        await using var origin = new WanEmulation.LoopbackServer(ApplianceFlowTests.SinkReplyingHashAsync);
        await using var pair = new AppliancePair(origin.EndPoint);
        await pair.WaitUpAsync();
        var data = TestPayload.Create(8 << 20, seed: 12);
        await ApplianceFlowTests.UploadAsync(pair, data);

        await pair.RestartCoreAsync(wipeStore: false);
        await pair.WaitUpAsync();
        var warm = await ApplianceFlowTests.UploadAsync(pair, data);

        Assert.True(warm.WanOut < data.Length * 0.01, $"warm WAN {warm.WanOut}");
        Assert.Equal(0, pair.CoreEnded.Last().Decoded!.Misses);
    }
}
