using WanAccel.Core.Fingerprints;

namespace WanAccel.Core.Codec;

/// <summary>Collects a decoder's misses for a caller that answers them later (local transfers, tests).</summary>
public sealed class FeedbackQueue : IDecoderFeedback
{
    private readonly Queue<MissReport> _misses = new();

    /// <summary>Highest offset acknowledged so far.</summary>
    public long Acked { get; private set; }

    public int PendingMisses => _misses.Count;

    public void OnMiss(long offset, long length, in ChunkId id) => _misses.Enqueue(new MissReport(offset, length, id));

    public void OnAck(long offset) => Acked = Math.Max(Acked, offset);

    public bool TryDequeue(out MissReport miss) => _misses.TryDequeue(out miss);
}
