using WanAccel.Cli.Wan;

namespace WanAccel.Cli.Bench;

/// <summary>Result of <c>wanaccel bench cp</c>: native copy of the first version, then cold, warm and (with <c>--then</c>) changed copies.</summary>
internal sealed record CpBenchResult
{
    public required string Input { get; init; }

    public string? Then { get; init; }

    public required string Policy { get; init; }

    public required long InputBytes { get; init; }

    public required string Rate { get; init; }

    public required string Rtt { get; init; }

    public required string Codec { get; init; }

    public required NativeRun Native { get; init; }

    public required CpRun Cold { get; init; }

    public required CpRun Warm { get; init; }

    /// <summary>The second version over the first one's copy (its basis), with the first version's chunks in the cache.</summary>
    public CpRun? Changed { get; init; }

    public bool Verified => Native.Verified is not false && Cold.Verified && Warm.Verified && Changed?.Verified is not false;
}
