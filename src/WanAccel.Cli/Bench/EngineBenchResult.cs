namespace WanAccel.Cli.Bench;

/// <summary>Result of <c>wanaccel bench engine</c>; serialised as the command's JSON.</summary>
internal sealed record EngineBenchResult
{
    public required string Input { get; init; }

    public required long InputBytes { get; init; }

    public required string Codec { get; init; }

    public required int AverageChunkBytes { get; init; }

    public required int Threads { get; init; }

    public required EnginePassResult Cold { get; init; }

    public required EnginePassResult Warm { get; init; }
}

/// <summary>One encode+decode pass. Rates are decimal megabytes (10^6 bytes) of input per second.</summary>
internal sealed record EnginePassResult
{
    public required long WireBytes { get; init; }

    public required double Reduction { get; init; }

    public required double EncodeMBps { get; init; }

    public required double DecodeMBps { get; init; }

    public required double EncodeSeconds { get; init; }

    public required double DecodeSeconds { get; init; }

    public required long Chunks { get; init; }

    public required long ZeroBytes { get; init; }

    public required long LiteralBytes { get; init; }

    public required long ReferencedBytes { get; init; }

    public required long ManifestRefs { get; init; }

    public required long Misses { get; init; }

    public required bool Verified { get; init; }
}
