using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using WanAccel.Appliance.Flows;

namespace WanAccel.Appliance.Tests.Flows;

public sealed class FlowSessionTests
{
    [Fact]
    public async Task Run_BothDirections_ByteExact()
    {
        using var pair = new FlowPair();
        var request = Data(12 << 20, 1);
        var response = Data(3 << 20, 2);

        using var run = new Disposer(pair.Start());
        var (atServer, atClient) = await run.Run.ExchangeAsync(request, response);

        Assert.Equal(Hash(request), Hash(atServer));
        Assert.Equal(Hash(response), Hash(atClient));
        Assert.Equal(request.Length, run.Run.Edge.Statistics.LanBytesIn);
        Assert.Equal(request.Length, run.Run.Core.Statistics.LanBytesOut);
    }

    [Fact]
    public async Task Run_SameDataAgain_WanBytesCollapse()
    {
        using var pair = new FlowPair();
        var request = Data(16 << 20, 3);
        using (var first = new Disposer(pair.Start()))
        {
            await first.Run.ExchangeAsync(request, []);
        }

        using var second = new Disposer(pair.Start());
        var (atServer, _) = await second.Run.ExchangeAsync(request, []);

        Assert.Equal(Hash(request), Hash(atServer));
        // Not the engine's 0.02%: a flow cuts a partial chunk when its socket goes quiet for FlushDelay, and each such
        // cut (more of them on a loaded machine) costs a chunk or two of literals before content-defined cuts resync.
        Assert.True(second.Run.Edge.Statistics.WanBytesOut < request.Length / 100, $"warm WAN bytes {second.Run.Edge.Statistics.WanBytesOut}");
    }

    [Fact]
    public async Task Run_FarStoreWiped_MissesResentOverTheChannel()
    {
        using var pair = new FlowPair();
        var request = Data(8 << 20, 4);
        using (var first = new Disposer(pair.Start()))
        {
            await first.Run.ExchangeAsync(request, []);
        }

        pair.WipeCoreStore();
        using var second = new Disposer(pair.Start());
        var (atServer, _) = await second.Run.ExchangeAsync(request, []);

        Assert.Equal(Hash(request), Hash(atServer));
        Assert.True(second.Run.Core.Decoded!.Misses > 0);
        Assert.Equal(second.Run.Core.Decoded.MissedBytes, second.Run.Core.Decoded.ResentBytes);
    }

    [Fact]
    public async Task Run_DataThatCameIn_IsReferencedGoingOut()
    {
        using var pair = new FlowPair();
        var data = Data(8 << 20, 5);
        using (var push = new Disposer(pair.Start()))
        {
            await push.Run.ExchangeAsync(data, []);
        }

        // The same bytes now flow the other way (server → client): the core knows the edge sent them.
        using var pull = new Disposer(pair.Start());
        var (_, atClient) = await pull.Run.ExchangeAsync([], data);

        Assert.Equal(Hash(data), Hash(atClient));
        Assert.True(pull.Run.Core.Statistics.WanBytesOut < data.Length / 100, $"reverse WAN bytes {pull.Run.Core.Statistics.WanBytesOut}");
        Assert.Equal(0, pull.Run.Edge.Decoded!.Misses);
    }

    [Fact]
    public async Task Run_LinkDiesMidTransfer_BothEndsFailNeverTruncate()
    {
        using var pair = new FlowPair();
        var run = pair.Start();
        var atServer = FlowRun.ReceiveAsync(run.ServerReceives);
        await run.ClientSends.WriteAsync(Data(4 << 20, 6));

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
        using var run = new Disposer(pair.Start());

        // A 100-byte request must reach the server although no more bytes follow (the flush delay cuts it).
        await run.Run.ClientSends.WriteAsync(Data(100, 7));
        var request = await ReadExactlyAsync(run.Run.ServerReceives, 100).WaitAsync(TimeSpan.FromSeconds(30));
        await run.Run.ServerSends.WriteAsync(Data(50, 8));
        var reply = await ReadExactlyAsync(run.Run.ClientReceives, 50).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Data(100, 7), request);
        Assert.Equal(Data(50, 8), reply);
        await run.Run.ClientSends.CompleteAsync();
        await run.Run.ServerSends.CompleteAsync();
        await FlowRun.ReceiveAsync(run.Run.ServerReceives);
        await FlowRun.ReceiveAsync(run.Run.ClientReceives);
        await Task.WhenAll(run.Run.EdgeRun, run.Run.CoreRun).WaitAsync(TimeSpan.FromMinutes(1));
    }

    private static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int count)
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

    private static string Hash(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Disk-like test data: random blocks, text-like blocks and zero runs.</summary>
    private static byte[] Data(int length, int seed)
    {
        var rng = new Random(seed);
        var data = new byte[length];
        for (var p = 0; p < length; p += 64 * 1024)
        {
            var n = Math.Min(64 * 1024, length - p);
            switch (rng.Next(3))
            {
                case 0:
                    rng.NextBytes(data.AsSpan(p, n));
                    break;
                case 1:
                    for (var i = 0; i < n; i++)
                    {
                        data[p + i] = (byte)"wanaccel block "[(i + seed) % 15];
                    }

                    break;
            }
        }

        return data;
    }

    private sealed class Disposer(FlowRun run) : IDisposable
    {
        public FlowRun Run { get; } = run;

        public void Dispose()
        {
            Run.Edge.Dispose();
            Run.Core.Dispose();
        }
    }
}
