using WanAccel.Appliance.Flows;
using WanAccel.Core.Classification;

namespace WanAccel.Appliance.Tests.Flows;

public sealed class FlowPassthroughTests
{
    [Fact]
    public async Task Run_TlsAndRandomStreams_PassThroughExactAndStoreNothing()
    {
        using var pair = new FlowPair();
        // A TLS handshake record header, then ciphertext-like bytes; the reply is plain random data (no signature).
        byte[] request = [0x16, 0x03, 0x01, 0x02, 0x00, .. FlowTestData.Random(8 << 20, 1)];
        var response = FlowTestData.Random(4 << 20, 2);

        using var run = new FlowScope(pair.Start());
        var (atServer, atClient) = await run.Run.ExchangeAsync(request, response);

        Assert.Equal(FlowTestData.Hash(request), FlowTestData.Hash(atServer));
        Assert.Equal(FlowTestData.Hash(response), FlowTestData.Hash(atClient));
        var edge = run.Run.Edge.Statistics;
        var core = run.Run.Core.Statistics;
        Assert.Equal(StreamClass.Tls, edge.SentClass);
        Assert.Equal(StreamClass.HighEntropy, core.SentClass);
        Assert.Equal(request.Length, edge.PassthroughBytesOut);
        Assert.Equal(request.Length, core.PassthroughBytesIn);
        Assert.Equal(response.Length, core.PassthroughBytesOut);
        Assert.Equal(response.Length, edge.PassthroughBytesIn);
        Assert.Equal(0, pair.EdgeStore.GetStatistics().ChunkCount);
        Assert.Equal(0, pair.CoreStore.GetStatistics().ChunkCount);
        Assert.Equal(0, pair.EdgeKnowsCore.Count);
        Assert.Equal(0, run.Run.Edge.Encoded.Chunks);
        // WAN ≈ LAN: frame headers (4 bytes a MiB), hello, end and acks.
        Assert.InRange(edge.WanBytesOut, request.Length, request.Length + 4096);
        Assert.InRange(core.WanBytesOut, response.Length, response.Length + 4096);
    }

    [Fact]
    public async Task Run_CompressibleStream_StillChunkedAndDeduped()
    {
        using var pair = new FlowPair();
        var request = FlowTestData.Text(8 << 20, 3);
        using (var first = new FlowScope(pair.Start()))
        {
            await first.Run.ExchangeAsync(request, []);
            Assert.Equal(StreamClass.Dedupable, first.Run.Edge.Statistics.SentClass);
            Assert.Equal(0, first.Run.Edge.Statistics.PassthroughBytesOut);
            Assert.True(pair.CoreStore.GetStatistics().ChunkCount > 0);
        }

        using var second = new FlowScope(pair.Start());
        var (atServer, _) = await second.Run.ExchangeAsync(request, []);

        Assert.Equal(FlowTestData.Hash(request), FlowTestData.Hash(atServer));
        Assert.True(second.Run.Edge.Statistics.WanBytesOut < request.Length / 100, $"warm WAN bytes {second.Run.Edge.Statistics.WanBytesOut}");
    }

    [Fact]
    public async Task Run_DetectionOff_RandomStreamIsChunked()
    {
        using var pair = new FlowPair(new FlowOptions { PassthroughDetection = false });
        var request = FlowTestData.Random(2 << 20, 4);

        using var run = new FlowScope(pair.Start());
        var (atServer, _) = await run.Run.ExchangeAsync(request, []);

        Assert.Equal(FlowTestData.Hash(request), FlowTestData.Hash(atServer));
        Assert.Equal(StreamClass.Dedupable, run.Run.Edge.Statistics.SentClass);
        Assert.Equal(0, run.Run.Edge.Statistics.PassthroughBytesOut);
        Assert.True(pair.CoreStore.GetStatistics().ChunkCount > 0);
    }

    [Fact]
    public async Task Run_SmallRandomRequestThenPause_DecidedAtOnceAndDelivered()
    {
        using var pair = new FlowPair();
        using var run = new FlowScope(pair.Start());

        // 20 KiB of random bytes and then nothing: the FlushDelay pause decides on what came (high entropy) and sends it.
        var request = FlowTestData.Random(20 << 10, 5);
        await run.Run.ClientSends.WriteAsync(request);
        var atServer = await FlowSessionTests.ReadExactlyAsync(run.Run.ServerReceives, request.Length).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(request, atServer);
        Assert.Equal(StreamClass.HighEntropy, run.Run.Edge.Statistics.SentClass);
        await run.Run.ClientSends.CompleteAsync();
        await run.Run.ServerSends.CompleteAsync();
        await FlowRun.ReceiveAsync(run.Run.ServerReceives);
        await FlowRun.ReceiveAsync(run.Run.ClientReceives);
        await Task.WhenAll(run.Run.EdgeRun, run.Run.CoreRun).WaitAsync(TimeSpan.FromMinutes(1));
    }
}
