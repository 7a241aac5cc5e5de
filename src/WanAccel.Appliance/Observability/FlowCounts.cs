using WanAccel.Appliance.Hosting;

namespace WanAccel.Appliance.Observability;

/// <summary>
/// The counters one flow contributes to the metrics, read from its live statistics. Every field only grows while the
/// flow runs, so the difference between two readings is what to add to the Prometheus counters.
/// </summary>
internal readonly record struct FlowCounts(
    long LanIn,
    long LanOut,
    long WanOut,
    long WanIn,
    long ZeroBytes,
    long ReferenceBytes,
    long LiteralBytes,
    long PassthroughBytes,
    long ChunkHits,
    long ChunkMisses,
    long ResentOut,
    long ResentIn)
{
    /// <summary>Reads the flow's statistics now (zero for what its session has not started yet).</summary>
    public static FlowCounts Of(FlowRecord flow)
    {
        var bytes = flow.Statistics;
        var encoded = flow.Encoded;
        var decoded = flow.Decoded;

        return new FlowCounts(
            bytes.LanBytesIn,
            bytes.LanBytesOut,
            bytes.WanBytesOut,
            bytes.WanBytesIn,
            encoded?.ZeroBytes ?? 0,
            (encoded?.RefBytes ?? 0) + (encoded?.ManifestRefBytes ?? 0),
            encoded?.LiteralBytes ?? 0,
            encoded?.PassthroughBytes ?? 0,
            (decoded?.RefChunks ?? 0) + (decoded?.ManifestRefs ?? 0),
            decoded?.Misses ?? 0,
            encoded?.ResentBytes ?? 0,
            decoded?.ResentBytes ?? 0);
    }

    /// <summary>Field by field, what this reading adds to <paramref name="counted"/> (never negative).</summary>
    public FlowCounts Since(in FlowCounts counted) => new(
        Gain(LanIn, counted.LanIn),
        Gain(LanOut, counted.LanOut),
        Gain(WanOut, counted.WanOut),
        Gain(WanIn, counted.WanIn),
        Gain(ZeroBytes, counted.ZeroBytes),
        Gain(ReferenceBytes, counted.ReferenceBytes),
        Gain(LiteralBytes, counted.LiteralBytes),
        Gain(PassthroughBytes, counted.PassthroughBytes),
        Gain(ChunkHits, counted.ChunkHits),
        Gain(ChunkMisses, counted.ChunkMisses),
        Gain(ResentOut, counted.ResentOut),
        Gain(ResentIn, counted.ResentIn));

    public static FlowCounts operator +(in FlowCounts a, in FlowCounts b) => new(
        a.LanIn + b.LanIn,
        a.LanOut + b.LanOut,
        a.WanOut + b.WanOut,
        a.WanIn + b.WanIn,
        a.ZeroBytes + b.ZeroBytes,
        a.ReferenceBytes + b.ReferenceBytes,
        a.LiteralBytes + b.LiteralBytes,
        a.PassthroughBytes + b.PassthroughBytes,
        a.ChunkHits + b.ChunkHits,
        a.ChunkMisses + b.ChunkMisses,
        a.ResentOut + b.ResentOut,
        a.ResentIn + b.ResentIn);

    private static long Gain(long now, long counted) => Math.Max(0, now - counted);
}
