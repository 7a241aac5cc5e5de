using WanAccel.Core.Compression;
using WanAccel.Core.Tests.Support;

namespace WanAccel.Core.Tests.Compression;

public sealed class AdaptiveCodecPolicyTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private static readonly CodecPolicyOptions TwoCores = new() { Cores = 2 };

    [Fact]
    public void Observe_SlowLink_StepsUpTheLadderToZstd15()
    {
        var time = new ManualTimeProvider();
        var policy = new AdaptiveCodecPolicy(TwoCores, time);
        var seen = new List<string> { policy.Current.ToString() };

        // ~1.2 Mbit/s: 50 KB of input a tick at 30%, the encoder busy 2 ms, the rest waiting for the link.
        for (var i = 0; i < 400; i++)
        {
            if (policy.Observe(Run(time, input: 50_000, wire: 15_000, encoding: 2, waiting: 95)))
            {
                seen.Add(policy.Current.ToString());
            }
        }

        Assert.Equal(["lz4", "zstd:3", "zstd:9", "zstd:15"], seen);
    }

    [Theory]
    [InlineData(25_000_000, 12_500_000, 30, 65)] // 1 Gbit/s link, the bottleneck: zstd:3 could not keep up with 250 MB/s of input
    [InlineData(2_000, 1_000, 0, 90)] // 2 KB requests waiting on the link: far below MinEvaluationBytes per window
    public void Observe_NoCodecWouldHelp_StaysLz4(long input, long wire, int encoding, int waiting)
    {
        var time = new ManualTimeProvider();
        var policy = new AdaptiveCodecPolicy(TwoCores, time);

        for (var i = 0; i < 400; i++)
        {
            Assert.False(policy.Observe(Run(time, input, wire, encoding, waiting)));
        }

        Assert.Equal(CodecSpec.Lz4, policy.Current);
    }

    [Fact]
    public void Observe_CpuBecomesBottleneck_StepsDownAndHoldsOff()
    {
        var time = new ManualTimeProvider();
        var policy = new AdaptiveCodecPolicy(TwoCores, time);
        for (var i = 0; i < 400 && policy.Current != new CodecSpec(CodecKind.Zstd, 9); i++)
        {
            policy.Observe(Run(time, input: 200_000, wire: 60_000, encoding: 5, waiting: 90));
        }

        Assert.Equal(new CodecSpec(CodecKind.Zstd, 9), policy.Current);

        // The link got faster: the encoder is busy nearly all the time and hardly waits.
        while (!policy.Observe(Run(time, input: 2_000_000, wire: 600_000, encoding: 95, waiting: 1)))
        {
        }

        Assert.Equal(new CodecSpec(CodecKind.Zstd, 3), policy.Current);

        // Link-bound again at once: zstd:9 stays off for StepDownHold (30 s), then is tried again.
        var before = policy.Switches;
        for (var i = 0; i < 200; i++)
        {
            policy.Observe(Run(time, input: 200_000, wire: 60_000, encoding: 5, waiting: 90));
        }

        Assert.Equal(before, policy.Switches);
        Assert.Equal(new CodecSpec(CodecKind.Zstd, 3), policy.Current);
        for (var i = 0; i < 200 && policy.Switches == before; i++)
        {
            policy.Observe(Run(time, input: 200_000, wire: 60_000, encoding: 5, waiting: 90));
        }

        Assert.Equal(new CodecSpec(CodecKind.Zstd, 9), policy.Current);
    }

    [Fact]
    public void Observe_AlternatingBottlenecks_DoesNotFlap()
    {
        var time = new ManualTimeProvider();
        var policy = new AdaptiveCodecPolicy(TwoCores with { EvaluationInterval = Tick }, time);
        while (!policy.Observe(Run(time, input: 200_000, wire: 60_000, encoding: 2, waiting: 95)))
        {
        }

        Assert.Equal(new CodecSpec(CodecKind.Zstd, 3), policy.Current);

        // Every window votes the other way (up: link-bound, zstd:9 would keep up; down: CPU-bound): no vote is confirmed.
        for (var i = 0; i < 400; i++)
        {
            var linkBound = i % 2 == 0;
            policy.Observe(Run(time, input: 200_000, wire: 60_000, encoding: linkBound ? 2 : 95, waiting: linkBound ? 95 : 0));
        }

        Assert.Equal(1, policy.Switches);
        Assert.Equal(new CodecSpec(CodecKind.Zstd, 3), policy.Current);
    }

    [Fact]
    public void Observe_FixedMode_NeverChanges()
    {
        var time = new ManualTimeProvider();
        var zstd = new CodecSpec(CodecKind.Zstd, 6);
        var policy = new AdaptiveCodecPolicy(TwoCores with { Mode = CodecPolicyMode.Fixed, Fixed = zstd }, time);

        for (var i = 0; i < 200; i++)
        {
            Assert.False(policy.Observe(Run(time, input: 200_000, wire: 80_000, encoding: i % 2 == 0 ? 2 : 99, waiting: i % 2 == 0 ? 95 : 0)));
        }

        Assert.Equal(zstd, policy.Current);
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryProblem()
    {
        var options = new CodecPolicyOptions { Ladder = [], Cores = 0, Headroom = 0.5, Confirmations = 0 };

        var e = Assert.Throws<ArgumentException>(() => new AdaptiveCodecPolicy(options));

        Assert.Contains("Ladder", e.Message);
        Assert.Contains("Cores", e.Message);
        Assert.Contains("Headroom", e.Message);
        Assert.Contains("Confirmations", e.Message);
    }

    /// <summary>One 100 ms tick of a flow: the clock moves, then the flow reports what the tick cost.</summary>
    private static CodecSample Run(ManualTimeProvider time, long input, long wire, int encoding, int waiting)
    {
        time.Advance(Tick);
        return new CodecSample(input, wire, TimeSpan.FromMilliseconds(encoding), TimeSpan.FromMilliseconds(waiting));
    }
}
