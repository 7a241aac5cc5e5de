namespace WanAccel.Core.Compression;

/// <summary>Options of an <see cref="AdaptiveCodecPolicy"/>: fixed codec or adaptive ladder, and when to step.</summary>
public sealed record CodecPolicyOptions
{
    /// <summary>
    /// The default ladder. Speeds are single-core compression of 1 MiB batches of /usr/bin on the 2-core dev VM (ZstdSharp,
    /// K4os LZ4), taken at the low end of repeated runs on a noisy machine: lz4 385–410 MB/s (ratio 0.45), zstd:3 32–99
    /// (0.28), zstd:9 9–21 (0.26), zstd:15 2.4–5 (0.26). So a step is taken only where the next codec keeps up with ease:
    /// with 2 cores and the default headroom, zstd:3 below ~15 MB/s of input (a link under ~50 Mbit/s), zstd:9 below
    /// ~4 MB/s (~9 Mbit/s), zstd:15 below ~1 MB/s (~2 Mbit/s).
    /// </summary>
    public static IReadOnlyList<CodecRung> DefaultLadder { get; } =
    [
        new(CodecSpec.Lz4, 350e6),
        new(new CodecSpec(CodecKind.Zstd, 3), 30e6),
        new(new CodecSpec(CodecKind.Zstd, 9), 8e6),
        new(new CodecSpec(CodecKind.Zstd, 15), 2e6),
    ];

    /// <summary>Adaptive (default) or Fixed.</summary>
    public CodecPolicyMode Mode { get; init; } = CodecPolicyMode.Adaptive;

    /// <summary>The codec in <see cref="CodecPolicyMode.Fixed"/> mode (default lz4).</summary>
    public CodecSpec Fixed { get; init; } = CodecSpec.Lz4;

    /// <summary>Codecs the adaptive mode steps through, fastest first; it starts on the first (default <see cref="DefaultLadder"/>).</summary>
    public IReadOnlyList<CodecRung> Ladder { get; init; } = DefaultLadder;

    /// <summary>Cores a flow's encoder compresses on (default: all), multiplying the ladder's per-core speeds.</summary>
    public int Cores { get; init; } = Environment.ProcessorCount;

    /// <summary>Least time between two decisions (default 500 ms).</summary>
    public TimeSpan EvaluationInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Least input behind a decision (default 1 MiB), so a quiet interactive flow never steps.</summary>
    public long MinEvaluationBytes { get; init; } = 1 << 20;

    /// <summary>Share of wall time spent waiting on the channel from which the link counts as the bottleneck (default 0.5).</summary>
    public double LinkBoundShare { get; init; } = 0.5;

    /// <summary>Share of wall time spent encoding from which the CPU counts as the bottleneck (default 0.8).</summary>
    public double CpuBoundShare { get; init; } = 0.8;

    /// <summary>
    /// A step up needs the next codec to compress at least this many times the input rate the link carries now
    /// (default 4: room for a denser output, which lets more input through, and for other flows on the same cores).
    /// </summary>
    public double Headroom { get; init; } = 4;

    /// <summary>Consecutive evaluations that must agree before a step (default 2).</summary>
    public int Confirmations { get; init; } = 2;

    /// <summary>After the CPU forced a step down, the codec left is not tried again for this long (default 30 s).</summary>
    public TimeSpan StepDownHold { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Every problem with these options, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Ladder.Count == 0)
        {
            errors.Add("Ladder must name at least one codec");
        }

        if (Ladder.Any(r => r.BytesPerSecondPerCore <= 0))
        {
            errors.Add("every Ladder speed must be positive");
        }

        if (Cores < 1)
        {
            errors.Add("Cores must be at least 1");
        }

        if (EvaluationInterval <= TimeSpan.Zero)
        {
            errors.Add("EvaluationInterval must be positive");
        }

        if (MinEvaluationBytes < 0)
        {
            errors.Add("MinEvaluationBytes must not be negative");
        }

        if (LinkBoundShare is <= 0 or > 1 || CpuBoundShare is <= 0 or > 1)
        {
            errors.Add("LinkBoundShare and CpuBoundShare must lie in (0, 1]");
        }

        if (Headroom < 1)
        {
            errors.Add("Headroom must be at least 1");
        }

        if (Confirmations < 1)
        {
            errors.Add("Confirmations must be at least 1");
        }

        if (StepDownHold < TimeSpan.Zero)
        {
            errors.Add("StepDownHold must not be negative");
        }

        return errors;
    }
}
