using WanAccel.Appliance.Tests.Hosting;

namespace WanAccel.Appliance.Tests.EndToEnd;

/// <summary>One appliance of the pair stopped and started again while a transfer runs through it.</summary>
public sealed class PeerRestartTests
{
    [Theory]
    [InlineData("core", true)]
    [InlineData("core", false)]
    [InlineData("edge", true)]
    [InlineData("edge", false)]
    public async Task Restart_MidTransfer_ByteExactOrResetOnBothSidesThenRecovers(string side, bool abrupt)
    {
        await using var sink = new FramedSink();
        await using var pair = new AppliancePair(sink.EndPoint);
        await pair.WaitUpAsync();
        var data = TestPayload.Create(24 << 20, seed: 41);
        Task restarted = Task.CompletedTask;
        Task Restart()
        {
            restarted = side == "core" ? pair.RestartCoreAsync(wipeStore: false, abrupt) : pair.RestartEdgeAsync(wipeStore: false, abrupt);
            // An abrupt stop resets the flows at once: wait for it, so the transfer cannot finish. A graceful one
            // drains: the client goes on sending while it does, and the transfer may well complete.
            return abrupt ? restarted : Task.CompletedTask;
        }

        var result = await FramedTransfer.RunAsync(pair, sink, data, pauseAt: 8 << 20, fault: Restart);
        await restarted;

        if (abrupt)
        {
            FramedTransfer.AssertResetOnBothSides(result);
        }

        await pair.WaitReconnectedAsync();
        await FramedTransfer.AssertByteExactAsync(pair, sink, data);
    }
}
