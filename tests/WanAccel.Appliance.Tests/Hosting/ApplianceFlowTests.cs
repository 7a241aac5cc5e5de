using System.Net.Sockets;
using System.Security.Cryptography;
using WanAccel.Appliance.Hosting;
using WanAccel.Appliance.Tests.WanEmulation;

namespace WanAccel.Appliance.Tests.Hosting;

public sealed class ApplianceFlowTests
{
    [Fact]
    public async Task Upload_ThroughPair_ByteExactColdThenWarmSendsUnderOnePercent()
    {
        await using var origin = new LoopbackServer(SinkReplyingHashAsync);
        await using var pair = new AppliancePair(origin.EndPoint);
        await pair.WaitUpAsync();
        var data = TestPayload.Create(24 << 20, seed: 1);

        var cold = await UploadAsync(pair, data);
        var warm = await UploadAsync(pair, data);

        Assert.True(cold.WanOut < data.Length * 0.7, $"cold WAN {cold.WanOut} of {data.Length}");
        Assert.True(warm.WanOut < data.Length * 0.01, $"warm WAN {warm.WanOut} of {data.Length}");
        Assert.Equal(data.Length, cold.LanIn);
        Assert.Equal(0, pair.Edge.Flows.Failed + pair.Core.Flows.Failed);
    }

    [Fact]
    public async Task Download_ThroughPair_ByteExactAndWarm()
    {
        var data = TestPayload.Create(16 << 20, seed: 2);
        await using var origin = new LoopbackServer((s, ct) => SendThenCloseAsync(s, data, ct));
        await using var pair = new AppliancePair(origin.EndPoint);
        await pair.WaitUpAsync();

        for (var pass = 0; pass < 2; pass++)
        {
            using var client = await SocketTestExtensions.ConnectAsync(pair.EdgeRule, pair.Token);
            client.Shutdown(SocketShutdown.Send);
            var (hash, length) = await client.ReadToEndHashAsync(pair.Token);
            Assert.Equal(data.Length, length);
            Assert.Equal(SHA256.HashData(data), hash);
        }

        await WaitForFlowsAsync(pair);
        var flows = pair.CoreEnded.ToList();
        Assert.Equal(2, flows.Count);
        Assert.True(flows[1].Statistics.WanBytesOut < data.Length * 0.01, $"warm WAN {flows[1].Statistics.WanBytesOut}");
    }

    [Fact]
    public async Task ReverseFlow_DataThatCameIn_IsReferencedGoingOut()
    {
        await using var origin = new LoopbackServer(SinkReplyingHashAsync);
        await using var pair = new AppliancePair(origin.EndPoint, coreDestination: origin.EndPoint);
        await pair.WaitUpAsync();
        var data = TestPayload.Create(16 << 20, seed: 3);
        await UploadAsync(pair, data);

        using var client = await SocketTestExtensions.ConnectAsync(pair.CoreRule, pair.Token);
        await client.SendAllAsync(data, pair.Token);
        client.Shutdown(SocketShutdown.Send);
        var reply = await client.ReadExactlyAsync(32, pair.Token);
        Assert.Equal(SHA256.HashData(data), reply);

        await WaitForFlowsAsync(pair);
        var pushedBack = pair.CoreEnded.Single(f => f.Origin == FlowOrigin.Local);
        Assert.True(pushedBack.Statistics.WanBytesOut < data.Length * 0.01, $"core→edge WAN {pushedBack.Statistics.WanBytesOut}");
    }

    [Fact]
    public async Task Upload_RandomBytes_PassedThroughUncachedAndByteExact()
    {
        await using var origin = new LoopbackServer(SinkReplyingHashAsync);
        await using var pair = new AppliancePair(origin.EndPoint);
        await pair.WaitUpAsync();
        var data = SocketTestExtensions.RandomBytes(4 << 20, seed: 5);
        var chunksBefore = pair.Edge.Store.GetStatistics().ChunkCount + pair.Core.Store.GetStatistics().ChunkCount;

        var upload = await UploadAsync(pair, data);

        var flow = pair.EdgeEnded.Single();
        Assert.Equal(data.Length, flow.Encoded!.PassthroughBytes);
        Assert.InRange(upload.WanOut, data.Length, data.Length * 1.01);

        // Only the origin's 32-byte reply (too short to classify) is cached, once per side.
        Assert.InRange(pair.Edge.Store.GetStatistics().ChunkCount + pair.Core.Store.GetStatistics().ChunkCount - chunksBefore, 0, 2);
    }

    [Fact]
    public async Task Upload_RandomHeadThenContent_PassthroughEndsAndTheRestDedupes()
    {
        await using var origin = new LoopbackServer(SinkReplyingHashAsync);
        await using var pair = new AppliancePair(origin.EndPoint);
        await pair.WaitUpAsync();
        var data = TestPayload.RandomHead(1 << 20, 24 << 20, seed: 6);

        var first = await UploadAsync(pair, data);
        var second = await UploadAsync(pair, data);

        var flows = pair.EdgeEnded.ToList();
        Assert.InRange(flows[0].Encoded!.PassthroughBytes, 1 << 20, 16 << 20);
        Assert.True(second.WanOut < data.Length * 0.5, $"second WAN {second.WanOut} of {data.Length} (first {first.WanOut})");
    }

    [Fact]
    public async Task DestinationDown_ClientIsReset_NotGivenAnEmptyStream()
    {
        var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var deadEnd = (System.Net.IPEndPoint)closed.LocalEndPoint!;
        closed.Dispose();
        await using var pair = new AppliancePair(deadEnd);
        await pair.WaitUpAsync();

        // The reset can beat the connect's completion on loopback: either call may report it.
        var error = await Assert.ThrowsAsync<SocketException>(async () =>
        {
            using var client = await SocketTestExtensions.ConnectAsync(pair.EdgeRule, pair.Token);
            await client.ReadToEndHashAsync(pair.Token);
        });

        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
    }

    [Fact]
    public async Task ManyConcurrentFlows_AllByteExact()
    {
        const int flows = 200;
        await using var origin = new LoopbackServer(SinkReplyingHashAsync);
        await using var pair = new AppliancePair(origin.EndPoint);
        await pair.WaitUpAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, flows).Select(async i =>
        {
            var data = TestPayload.Create(32 * 1024 + (i * 977), seed: 100 + i);
            using var client = await SocketTestExtensions.ConnectAsync(pair.EdgeRule, pair.Token);
            await client.SendAllAsync(data, pair.Token);
            client.Shutdown(SocketShutdown.Send);
            var reply = await client.ReadExactlyAsync(32, pair.Token);
            return reply.AsSpan().SequenceEqual(SHA256.HashData(data));
        }));

        Assert.All(results, Assert.True);
        await WaitForFlowsAsync(pair);
        Assert.Equal(flows, pair.Edge.Flows.Total);
        Assert.Equal(0, pair.Edge.Flows.Failed + pair.Core.Flows.Failed);
    }

    internal static async Task SinkReplyingHashAsync(Socket socket, CancellationToken cancellationToken)
    {
        var (hash, _) = await socket.ReadToEndHashAsync(cancellationToken);
        await socket.SendAsync(hash, SocketFlags.None, cancellationToken);
        socket.Shutdown(SocketShutdown.Send);
    }

    internal static async Task SendThenCloseAsync(Socket socket, byte[] data, CancellationToken cancellationToken)
    {
        await socket.SendAllAsync(data, cancellationToken);
        socket.Shutdown(SocketShutdown.Send);
        await socket.ReadToEndHashAsync(cancellationToken);
    }

    internal static async Task WaitForFlowsAsync(AppliancePair pair)
    {
        while (pair.Edge.Flows.Active.Count + pair.Core.Flows.Active.Count > 0)
        {
            await Task.Delay(10, pair.Token);
        }
    }

    /// <summary>Sends <paramref name="data"/> through the edge rule, checks the origin's hash, returns the edge flow's counts.</summary>
    internal static async Task<(long LanIn, long WanOut)> UploadAsync(AppliancePair pair, byte[] data)
    {
        var before = pair.Edge.Flows.Total;
        var ended = new TaskCompletionSource<FlowRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnEnded(FlowRecord r)
        {
            if (r.Id > before)
            {
                ended.TrySetResult(r);
            }
        }

        pair.Edge.Flows.Ended += OnEnded;
        try
        {
            using var client = await SocketTestExtensions.ConnectAsync(pair.EdgeRule, pair.Token);
            await client.SendAllAsync(data, pair.Token);
            client.Shutdown(SocketShutdown.Send);
            var reply = await client.ReadExactlyAsync(32, pair.Token);
            Assert.Equal(SHA256.HashData(data), reply);
            var flow = await ended.Task.WaitAsync(pair.Token);
            Assert.Null(flow.Error);
            return (flow.Statistics.LanBytesIn, flow.Statistics.WanBytesOut);
        }
        finally
        {
            pair.Edge.Flows.Ended -= OnEnded;
        }
    }
}
