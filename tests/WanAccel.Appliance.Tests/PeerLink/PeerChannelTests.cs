using System.Text;
using WanAccel.Appliance.PeerLink;

namespace WanAccel.Appliance.Tests.PeerLink;

public sealed class PeerChannelTests
{
    [Fact]
    public async Task OpenChannel_200ConcurrentEchoes_ByteExact()
    {
        await using var bed = new PeerLinkTestBed();
        bed.StartListener(PeerLinkTestBed.Echo);
        var connector = await bed.StartConnectorAsync(connections: 2);

        var flows = Enumerable.Range(0, 200).Select(async i =>
        {
            var data = PeerLinkTestBed.RandomBytes(1 + (i * 997 % (96 * 1024)), seed: i);
            await using var channel = await connector.OpenChannelAsync(BitConverter.GetBytes(i), bed.Token);
            var echoed = await PeerLinkTestBed.ExchangeAsync(channel, data, bed.Token);
            await channel.Completion.WaitAsync(bed.Token);
            return (Sent: PeerLinkTestBed.Hash(data), Received: PeerLinkTestBed.Hash(echoed), echoed.Length, data.Length);
        }).ToArray();
        var results = await Task.WhenAll(flows);

        Assert.All(results, r => Assert.Equal(r.Sent, r.Received));
        Assert.Equal(200, bed.CoreHandled);
        Assert.Equal(200, connector.Statistics.ChannelsTotal);
        await bed.WaitUntilAsync(() => connector.Statistics.ChannelsOpen == 0 && bed.Listener!.Statistics.ChannelsOpen == 0, "all channels closed");
    }

    [Fact]
    public async Task OpenChannel_RacingFromManyThreads_OpensReachPeerInIdOrder()
    {
        // OPENs must reach the peer in increasing id order: ids are taken under one lock, and a racing opener that
        // queued its OPEN first broke the protocol and took the connection down with every channel on it.
        const int Openers = 8;
        const int PerOpener = 500;
        await using var bed = new PeerLinkTestBed();
        var listener = bed.StartListener(PeerLinkTestBed.Echo);
        var connector = await bed.StartConnectorAsync(connections: 1);

        using var start = new Barrier(Openers);
        var opened = await Task.WhenAll(Enumerable.Range(0, Openers).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(bed.Token);
                return Enumerable.Range(0, PerOpener).Select(_ => connector.OpenChannelAsync(default, bed.Token).AsTask().GetAwaiter().GetResult()).ToList();
            },
            bed.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
        var echoes = await Task.WhenAll(opened.SelectMany(c => c).Select(channel => PeerLinkTestBed.ExchangeAsync(channel, "x"u8.ToArray(), bed.Token)));

        Assert.All(echoes, e => Assert.Equal("x"u8.ToArray(), e));
        Assert.Equal(1, connector.Statistics.ConnectionsTotal);
        Assert.Equal(1, listener.Statistics.ConnectionsUp);
        foreach (var channel in opened.SelectMany(c => c))
        {
            await channel.DisposeAsync();
        }
    }

    [Fact]
    public async Task OpenChannel_SpreadOverConnections_LeastChannelsFirst()
    {
        var release = new TaskCompletionSource();
        await using var bed = new PeerLinkTestBed();
        bed.StartListener(async (channel, _) => await release.Task);
        var connector = await bed.StartConnectorAsync(connections: 2);
        await bed.WaitUntilAsync(() => connector.ConnectionCount == 2, "both connections up");

        var channels = new List<PeerChannel>();
        for (var i = 0; i < 10; i++)
        {
            channels.Add(await connector.OpenChannelAsync(default, bed.Token));
        }

        // Ids are per connection: alternating connections gives 1, 3, 5, 7, 9 twice each.
        Assert.All(channels.GroupBy(c => c.Id), g => Assert.Equal(2, g.Count()));
        Assert.Equal(9UL, channels.Max(c => c.Id));
        release.SetResult();
        foreach (var channel in channels)
        {
            await channel.DisposeAsync();
        }
    }

    [Fact]
    public async Task HalfClose_EdgeFinsFirst_CoreStillAnswersThenFins()
    {
        await using var bed = new PeerLinkTestBed();
        bed.StartListener(async (channel, _) =>
        {
            var request = await PeerLinkTestBed.ReadToEndAsync(channel.Input, default); // clean EOF = edge's FIN
            await channel.Output.WriteAsync(Encoding.UTF8.GetBytes($"got {request.Length} bytes after your FIN"));
            await channel.Output.CompleteAsync();
        });
        var connector = await bed.StartConnectorAsync();

        var channel = await connector.OpenChannelAsync(default, bed.Token);
        await channel.Output.WriteAsync("12345"u8.ToArray(), bed.Token);
        await channel.Output.CompleteAsync();
        var answer = await PeerLinkTestBed.ReadToEndAsync(channel.Input, bed.Token);
        await channel.Completion.WaitAsync(bed.Token);

        Assert.Equal("got 5 bytes after your FIN", Encoding.UTF8.GetString(answer));
    }

    [Fact]
    public async Task HalfClose_CoreOpensAndFinsFirst_EdgeAnswersThenFins()
    {
        await using var bed = new PeerLinkTestBed();
        var listener = bed.StartListener(PeerLinkTestBed.Echo);
        var edgeHandled = new TaskCompletionSource<string>();
        await bed.StartConnectorAsync(async (channel, metadata) =>
        {
            var request = await PeerLinkTestBed.ReadToEndAsync(channel.Input, default);
            edgeHandled.SetResult(Encoding.UTF8.GetString(metadata.Span));
            await channel.Output.WriteAsync(request.Reverse().ToArray());
        });

        var channel = await listener.OpenChannelAsync("edge", "from-core"u8.ToArray(), bed.Token);
        await channel.Output.WriteAsync("abc"u8.ToArray(), bed.Token);
        await channel.Output.CompleteAsync();
        var answer = await PeerLinkTestBed.ReadToEndAsync(channel.Input, bed.Token);
        await channel.Completion.WaitAsync(bed.Token);

        Assert.Equal("cba", Encoding.UTF8.GetString(answer));
        Assert.Equal("from-core", await edgeHandled.Task.WaitAsync(bed.Token));
        Assert.Equal(0UL, channel.Id % 2); // listener side opens even ids
    }

    [Fact]
    public async Task Reset_ByEdge_CoreReadFailsWithCodeAndMessage()
    {
        var coreFailure = new TaskCompletionSource<PeerChannelResetException>();
        await using var bed = new PeerLinkTestBed();
        bed.StartListener(async (channel, _) =>
        {
            try
            {
                await PeerLinkTestBed.ReadToEndAsync(channel.Input, default);
            }
            catch (PeerChannelResetException ex)
            {
                coreFailure.SetResult(ex);
                throw;
            }
        });
        var connector = await bed.StartConnectorAsync();

        var channel = await connector.OpenChannelAsync(default, bed.Token);
        await channel.Output.WriteAsync("partial"u8.ToArray(), bed.Token);
        channel.Reset(PeerResetCode.DestinationError, "connection refused by 10.0.0.1:445");
        var failure = await coreFailure.Task.WaitAsync(bed.Token);

        Assert.Equal(PeerResetCode.DestinationError, failure.Code);
        Assert.True(failure.ByRemote);
        Assert.Contains("connection refused by 10.0.0.1:445", failure.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<PeerChannelResetException>(() => channel.Completion.WaitAsync(bed.Token));
        await Assert.ThrowsAsync<PeerChannelResetException>(async () => await channel.Input.ReadAsync(bed.Token));
    }

    [Fact]
    public async Task Open_NoHandlerOnCore_ChannelRefused()
    {
        await using var bed = new PeerLinkTestBed();
        bed.StartListener(handler: null);
        var connector = await bed.StartConnectorAsync();

        var channel = await connector.OpenChannelAsync(default, bed.Token);
        var failure = await Assert.ThrowsAsync<PeerChannelResetException>(() => channel.Completion.WaitAsync(bed.Token));

        Assert.Equal(PeerResetCode.Refused, failure.Code);
    }

    [Fact]
    public async Task OutputCompletedWithException_CoreSeesInternalErrorReset()
    {
        var coreFailure = new TaskCompletionSource<Exception>();
        await using var bed = new PeerLinkTestBed();
        bed.StartListener(async (channel, _) =>
        {
            try
            {
                await PeerLinkTestBed.ReadToEndAsync(channel.Input, default);
            }
            catch (Exception ex)
            {
                coreFailure.SetResult(ex);
                throw;
            }
        });
        var connector = await bed.StartConnectorAsync();

        var channel = await connector.OpenChannelAsync(default, bed.Token);
        await channel.Output.WriteAsync("half a file"u8.ToArray(), bed.Token);
        await channel.Output.CompleteAsync(new IOException("source disk failed"));

        var failure = Assert.IsType<PeerChannelResetException>(await coreFailure.Task.WaitAsync(bed.Token));
        Assert.Equal(PeerResetCode.InternalError, failure.Code);
        Assert.Contains("source disk failed", failure.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<PeerChannelResetException>(() => channel.Completion.WaitAsync(bed.Token));
    }
}
