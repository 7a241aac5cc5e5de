using WanAccel.Appliance.Flows;
using WanAccel.Core.Compression;

namespace WanAccel.Appliance.Tests.Flows;

public sealed class FlowCodecTests
{
    [Fact]
    public async Task Run_SlowLink_StepsUpToZstdAndStaysExact()
    {
        // Quick decisions, and no step down: the test asserts what went on the wire, not how fast this machine is.
        var policy = new CodecPolicyOptions
        {
            EvaluationInterval = TimeSpan.FromMilliseconds(50),
            MinEvaluationBytes = 64 << 10,
            Confirmations = 1,
            CpuBoundShare = 1,
        };
        using var pair = new FlowPair(new FlowOptions { CodecPolicy = policy });
        var request = FlowTestData.Text(12 << 20, 6);

        // ~16 Mbit/s: the edge spends most of its time waiting for the link.
        using var run = new FlowScope(pair.Start(link => new ThrottledPipeWriter(link, 2e6)));
        var (atServer, _) = await run.Run.ExchangeAsync(request, []);

        Assert.Equal(FlowTestData.Hash(request), FlowTestData.Hash(atServer));
        var edge = run.Run.Edge;
        Assert.True(edge.Statistics.CodecSwitches >= 1);
        Assert.Equal(CodecKind.Zstd, edge.Statistics.Codec.Kind);
        Assert.True(edge.Encoded.Lz4Frames > 0, "the flow starts on LZ4");
        Assert.True(edge.Encoded.ZstdFrames > 0, "and switches to zstd");
        Assert.Equal(edge.Encoded.ZstdFrames, run.Run.Core.Decoded!.ZstdFrames);
        Assert.Equal(edge.Encoded.Lz4Frames, run.Run.Core.Decoded.Lz4Frames);
    }

    [Fact]
    public async Task Run_FixedCodec_NeverSwitches()
    {
        var zstd = new CodecSpec(CodecKind.Zstd, 5);
        var policy = new CodecPolicyOptions
        {
            Mode = CodecPolicyMode.Fixed,
            Fixed = zstd,
            EvaluationInterval = TimeSpan.FromMilliseconds(50),
            MinEvaluationBytes = 64 << 10,
        };
        using var pair = new FlowPair(new FlowOptions { CodecPolicy = policy });
        var request = FlowTestData.Text(4 << 20, 7);

        using var run = new FlowScope(pair.Start(link => new ThrottledPipeWriter(link, 4e6)));
        var (atServer, _) = await run.Run.ExchangeAsync(request, []);

        Assert.Equal(FlowTestData.Hash(request), FlowTestData.Hash(atServer));
        Assert.Equal(0, run.Run.Edge.Statistics.CodecSwitches);
        Assert.Equal(zstd, run.Run.Edge.Statistics.Codec);
        Assert.Equal(0, run.Run.Edge.Encoded.Lz4Frames);
        Assert.True(run.Run.Edge.Encoded.ZstdFrames > 0);
    }
}
