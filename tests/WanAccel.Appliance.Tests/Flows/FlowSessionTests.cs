using System.Buffers;
using System.IO.Pipelines;
using WanAccel.Appliance.Flows;

namespace WanAccel.Appliance.Tests.Flows;

public sealed class FlowSessionTests
{
    [Fact]
    public async Task Run_BothDirections_ByteExact()
    {
        using var pair = new FlowPair();
        var request = FlowTestData.DiskLike(12 << 20, 1);
        var response = FlowTestData.DiskLike(3 << 20, 2);

        using var run = new FlowScope(pair.Start());
        var (atServer, atClient) = await run.Run.ExchangeAsync(request, response);

        Assert.Equal(FlowTestData.Hash(request), FlowTestData.Hash(atServer));
        Assert.Equal(FlowTestData.Hash(response), FlowTestData.Hash(atClient));
        Assert.Equal(request.Length, run.Run.Edge.Statistics.LanBytesIn);
        Assert.Equal(request.Length, run.Run.Core.Statistics.LanBytesOut);
    }

    [Fact]
    public async Task Run_SameDataAgain_WanBytesCollapse()
    {
        using var pair = new FlowPair();
        var request = FlowTestData.DiskLike(16 << 20, 3);
        using (var first = new FlowScope(pair.Start()))
        {
            await first.Run.ExchangeAsync(request, []);
        }

        using var second = new FlowScope(pair.Start());
        var (atServer, _) = await second.Run.ExchangeAsync(request, []);

        Assert.Equal(FlowTestData.Hash(request), FlowTestData.Hash(atServer));
        // Not the engine's 0.02%: a flow cuts a partial chunk when its socket goes quiet for FlushDelay, and each such
        // cut (more of them on a loaded machine) costs a chunk or two of literals before content-defined cuts resync.
        Assert.True(second.Run.Edge.Statistics.WanBytesOut < request.Length / 100, $"warm WAN bytes {second.Run.Edge.Statistics.WanBytesOut}");
    }

    [Fact]
    public async Task Run_FarStoreWiped_MissesResentOverTheChannel()
    {
        using var pair = new FlowPair();
        var request = FlowTestData.DiskLike(8 << 20, 4);
        using (var first = new FlowScope(pair.Start()))
        {
            await first.Run.ExchangeAsync(request, []);
        }

        pair.WipeCoreStore();
        using var second = new FlowScope(pair.Start());
        var (atServer, _) = await second.Run.ExchangeAsync(request, []);

        Assert.Equal(FlowTestData.Hash(request), FlowTestData.Hash(atServer));
        Assert.True(second.Run.Core.Decoded!.Misses > 0);
        Assert.Equal(second.Run.Core.Decoded.MissedBytes, second.Run.Core.Decoded.ResentBytes);
    }

    [Fact]
    public async Task Run_DataThatCameIn_IsReferencedGoingOut()
    {
        using var pair = new FlowPair();
        var data = FlowTestData.DiskLike(8 << 20, 5);
        using (var push = new FlowScope(pair.Start()))
        {
            await push.Run.ExchangeAsync(data, []);
        }

        // The same bytes now flow the other way (server → client): the core knows the edge sent them.
        using var pull = new FlowScope(pair.Start());
        var (_, atClient) = await pull.Run.ExchangeAsync([], data);

        Assert.Equal(FlowTestData.Hash(data), FlowTestData.Hash(atClient));
        Assert.True(pull.Run.Core.Statistics.WanBytesOut < data.Length / 100, $"reverse WAN bytes {pull.Run.Core.Statistics.WanBytesOut}");
        Assert.Equal(0, pull.Run.Edge.Decoded!.Misses);
    }

    [Fact]
    public async Task Run_LinkDiesMidTransfer_BothEndsFailNeverTruncate()
    {
        using var pair = new FlowPair();
        var run = pair.Start();
        var atServer = FlowRun.ReceiveAsync(run.ServerReceives);
        await run.ClientSends.WriteAsync(FlowTestData.DiskLike(4 << 20, 6));

        await run.EdgeToCoreLink.CompleteAsync(new IOException("link cut"));

        await Assert.ThrowsAnyAsync<Exception>(() => run.CoreRun.WaitAsync(TimeSpan.FromMinutes(1)));
        await Assert.ThrowsAnyAsync<Exception>(() => atServer.WaitAsync(TimeSpan.FromMinutes(1)));
        run.Edge.Dispose();
        run.Core.Dispose();
    }

    [Fact]
    public async Task Run_InteractiveRequestResponse_NotHeldBackForMoreData()
    {
        using var pair = new FlowPair();
        using var run = new FlowScope(pair.Start());

        // A 100-byte request must reach the server although no more bytes follow (the flush delay cuts it).
        await run.Run.ClientSends.WriteAsync(FlowTestData.DiskLike(100, 7));
        var request = await ReadExactlyAsync(run.Run.ServerReceives, 100).WaitAsync(TimeSpan.FromSeconds(30));
        await run.Run.ServerSends.WriteAsync(FlowTestData.DiskLike(50, 8));
        var reply = await ReadExactlyAsync(run.Run.ClientReceives, 50).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(FlowTestData.DiskLike(100, 7), request);
        Assert.Equal(FlowTestData.DiskLike(50, 8), reply);
        await run.Run.ClientSends.CompleteAsync();
        await run.Run.ServerSends.CompleteAsync();
        await FlowRun.ReceiveAsync(run.Run.ServerReceives);
        await FlowRun.ReceiveAsync(run.Run.ClientReceives);
        await Task.WhenAll(run.Run.EdgeRun, run.Run.CoreRun).WaitAsync(TimeSpan.FromMinutes(1));
    }

    internal static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int count)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            if (result.Buffer.Length >= count)
            {
                var bytes = result.Buffer.Slice(0, count).ToArray();
                reader.AdvanceTo(result.Buffer.GetPosition(count));
                return bytes;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (result.IsCompleted)
            {
                throw new EndOfStreamException();
            }
        }
    }
}
