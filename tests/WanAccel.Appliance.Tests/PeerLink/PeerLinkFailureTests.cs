using System.Text;
using WanAccel.Appliance.PeerLink;

namespace WanAccel.Appliance.Tests.PeerLink;

public sealed class PeerLinkFailureTests
{
    [Fact]
    public async Task ListenerStopped_MidTransfer_ChannelsFaultOnBothSides()
    {
        var coreChannel = new TaskCompletionSource<PeerChannel>();
        var coreRead = new TaskCompletionSource<Exception?>();
        await using var bed = new PeerLinkTestBed();
        var listener = bed.StartListener(async (channel, _) =>
        {
            coreChannel.SetResult(channel);
            try
            {
                await PeerLinkTestBed.ReadToEndAsync(channel.Input, default);
                coreRead.SetResult(null);
            }
            catch (Exception ex)
            {
                coreRead.SetResult(ex);
            }
        });
        var connector = await bed.StartConnectorAsync();
        var edge = await connector.OpenChannelAsync(default, bed.Token);
        await edge.Output.WriteAsync(PeerLinkTestBed.RandomBytes(100_000, 3), bed.Token);
        var core = await coreChannel.Task.WaitAsync(bed.Token);
        await bed.WaitUntilAsync(() => core.Statistics.BytesReceived > 0, "transfer started");

        await listener.DisposeAsync();

        var coreFailure = await coreRead.Task.WaitAsync(bed.Token);
        var edgeFailure = await Assert.ThrowsAsync<PeerChannelResetException>(() => PeerLinkTestBed.ReadToEndAsync(edge.Input, bed.Token));
        Assert.IsType<PeerChannelResetException>(coreFailure);
        Assert.Equal(PeerResetCode.ConnectionLost, edgeFailure.Code);
        await Assert.ThrowsAsync<PeerChannelResetException>(() => edge.Completion.WaitAsync(bed.Token));
        await Assert.ThrowsAsync<PeerChannelResetException>(() => core.Completion.WaitAsync(bed.Token));
        await Assert.ThrowsAsync<PeerChannelResetException>(async () => await edge.Output.WriteAsync(new byte[10], bed.Token));
    }

    [Fact]
    public async Task ConnectorStopped_MidTransfer_CoreChannelFaults()
    {
        var coreRead = new TaskCompletionSource<Exception?>();
        var coreChannel = new TaskCompletionSource<PeerChannel>();
        await using var bed = new PeerLinkTestBed();
        bed.StartListener(async (channel, _) =>
        {
            coreChannel.SetResult(channel);
            try
            {
                await PeerLinkTestBed.ReadToEndAsync(channel.Input, default);
                coreRead.SetResult(null);
            }
            catch (Exception ex)
            {
                coreRead.SetResult(ex);
            }
        });
        var connector = await bed.StartConnectorAsync();
        var edge = await connector.OpenChannelAsync(default, bed.Token);
        await edge.Output.WriteAsync("some bytes, then the link dies"u8.ToArray(), bed.Token);
        var core = await coreChannel.Task.WaitAsync(bed.Token);
        await bed.WaitUntilAsync(() => core.Statistics.BytesReceived > 0, "transfer started");

        await connector.DisposeAsync();

        var failure = Assert.IsType<PeerChannelResetException>(await coreRead.Task.WaitAsync(bed.Token));
        Assert.Equal(PeerResetCode.ConnectionLost, failure.Code);
        await Assert.ThrowsAsync<PeerChannelResetException>(() => edge.Completion.WaitAsync(bed.Token));
    }

    [Fact]
    public async Task ListenerRestarted_ConnectorReconnects_NewChannelsWork()
    {
        await using var bed = new PeerLinkTestBed();
        var first = bed.StartListener(PeerLinkTestBed.Echo);
        var port = first.LocalEndPoint!;
        var states = new List<PeerLinkState>();
        var connector = await bed.StartConnectorAsync(connections: 2);
        connector.StateChanged += (_, state) =>
        {
            lock (states)
            {
                states.Add(state);
            }
        };

        await bed.WaitUntilAsync(() => connector.ConnectionCount == 2, "both connections up");
        var before = connector.Statistics.ConnectionsTotal;

        await first.DisposeAsync();
        await bed.WaitUntilAsync(() => connector.State != PeerLinkState.Up, "link noticed the loss");
        var second = bed.StartListener(PeerLinkTestBed.Echo, at: port);
        await connector.WaitUntilUpAsync(bed.Token);
        await using var channel = await connector.OpenChannelAsync(default, bed.Token);
        var echoed = await PeerLinkTestBed.ExchangeAsync(channel, "after the restart"u8.ToArray(), bed.Token);

        Assert.Equal("after the restart", Encoding.UTF8.GetString(echoed));
        Assert.Equal(PeerLinkState.Up, connector.State);
        Assert.True(connector.Statistics.ConnectionsTotal > before, $"connections established: {connector.Statistics.ConnectionsTotal}, before the restart {before}");
        lock (states)
        {
            Assert.Equal(PeerLinkState.Up, states[^1]);
            Assert.Contains(states, s => s != PeerLinkState.Up);
        }

        await bed.WaitUntilAsync(() => second.ConnectedPeers.Count == 1, "core sees the edge again");
    }
}
