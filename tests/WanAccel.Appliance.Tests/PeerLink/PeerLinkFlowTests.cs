using WanAccel.Appliance.PeerLink;

namespace WanAccel.Appliance.Tests.PeerLink;

public sealed class PeerLinkFlowTests
{
    private const int Window = 128 * 1024;
    private const int Frame = 16 * 1024;
    private const int WriteChunk = 8 * 1024;

    [Fact]
    public async Task Write_ReceiverNotReading_SenderBoundedByWindowThenDeliversAll()
    {
        var received = new TaskCompletionSource<PeerChannel>();
        var startReading = new TaskCompletionSource();
        var delivered = new TaskCompletionSource<byte[]>();
        await using var bed = new PeerLinkTestBed(o => o with { ChannelWindowBytes = Window, MaxFramePayloadBytes = Frame });
        bed.StartListener(async (channel, _) =>
        {
            received.SetResult(channel);
            await startReading.Task;
            delivered.SetResult(await PeerLinkTestBed.ReadToEndAsync(channel.Input, default));
        });
        var connector = await bed.StartConnectorAsync();
        var data = PeerLinkTestBed.RandomBytes(8 * Window, seed: 7);

        var channel = await connector.OpenChannelAsync(default, bed.Token);
        var writing = Task.Run(async () =>
        {
            await PeerLinkTestBed.WriteAllAsync(channel.Output, data, WriteChunk, bed.Token);
            await channel.Output.CompleteAsync();
        });
        var core = await received.Task.WaitAsync(bed.Token);
        await bed.WaitUntilAsync(() => channel.Statistics.SendCredit == 0, "sender exhausted its credit");
        await bed.WaitUntilAsync(() => core.Statistics.UnreadBytes == Window, "receiver buffered the window");
        // The pipe pauses the writer on crossing 2 frames and resumes it below 1 frame; a partial frame sent with the
        // last credit can leave it paused anywhere in between. Give a writer without back-pressure time to overshoot.
        await bed.WaitUntilAsync(() => channel.Statistics.PendingSendBytes >= Frame, "sender's pipe paused the application");
        await Task.Delay(200);
        var sender = channel.Statistics;
        var receiver = core.Statistics;

        Assert.False(writing.IsCompleted);
        Assert.Equal(Window, sender.BytesSent);
        Assert.True(sender.InFlightBytes <= Window, $"in flight {sender.InFlightBytes}");
        Assert.True(sender.PendingSendBytes <= (2 * Frame) + WriteChunk, $"pending {sender.PendingSendBytes}");
        Assert.True(receiver.UnreadBytes <= Window, $"unread {receiver.UnreadBytes}");

        startReading.SetResult();
        await writing.WaitAsync(bed.Token);
        var all = await delivered.Task.WaitAsync(bed.Token);
        Assert.Equal(PeerLinkTestBed.Hash(data), PeerLinkTestBed.Hash(all));
        Assert.Equal(data.Length, channel.Statistics.BytesSent);
    }

    [Fact]
    public async Task Write_BulkAndSmallOnOneConnection_SmallFinishesWhileBulkStillFlowing()
    {
        const long bulkBytes = 64L << 20;
        long bulkReceived = 0;
        var bulkDone = new TaskCompletionSource();
        await using var bed = new PeerLinkTestBed();
        bed.StartListener(async (channel, metadata) =>
        {
            if (metadata.Span.SequenceEqual("bulk"u8))
            {
                while (true)
                {
                    var result = await channel.Input.ReadAsync();
                    Interlocked.Add(ref bulkReceived, result.Buffer.Length);
                    channel.Input.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted)
                    {
                        bulkDone.SetResult();
                        return;
                    }
                }
            }

            await PeerLinkTestBed.Echo(channel, metadata);
        });
        var connector = await bed.StartConnectorAsync(connections: 1);

        var bulk = await connector.OpenChannelAsync("bulk"u8.ToArray(), bed.Token);
        var block = PeerLinkTestBed.RandomBytes(256 * 1024, seed: 1);
        var bulkWriting = Task.Run(async () =>
        {
            for (long sent = 0; sent < bulkBytes; sent += block.Length)
            {
                await bulk.Output.WriteAsync(block, bed.Token);
            }

            await bulk.Output.CompleteAsync();
        });
        await bed.WaitUntilAsync(() => Interlocked.Read(ref bulkReceived) >= 4 << 20, "bulk flowing");

        var small = await connector.OpenChannelAsync("small"u8.ToArray(), bed.Token);
        var request = PeerLinkTestBed.RandomBytes(16 * 1024, seed: 2);
        var answer = await PeerLinkTestBed.ExchangeAsync(small, request, bed.Token);
        var bulkAtSmallDone = Interlocked.Read(ref bulkReceived);

        Assert.Equal(PeerLinkTestBed.Hash(request), PeerLinkTestBed.Hash(answer));
        Assert.True(bulkAtSmallDone < bulkBytes, $"bulk had delivered {bulkAtSmallDone} of {bulkBytes} bytes");
        Assert.False(bulkDone.Task.IsCompleted);
        await bulkWriting.WaitAsync(bed.Token);
        await bulkDone.Task.WaitAsync(bed.Token);
        Assert.Equal(bulkBytes, Interlocked.Read(ref bulkReceived));
    }
}
