using WanAccel.Core.Fingerprints;

namespace WanAccel.Core.Codec;

/// <summary>Collects a decoder's misses for a caller that answers them later (local transfers, tests).</summary>
public sealed class FeedbackQueue : IDecoderFeedback
{
    private readonly Queue<MissReport> _misses = new();

    public void OnMiss(long offset, long length, in ChunkId id) => _misses.Enqueue(new MissReport(offset, length, id));

    /// <summary>Local transfers keep their whole input, so acknowledgements release nothing.</summary>
    public void OnAck(long offset)
    {
    }

    public bool TryDequeue(out MissReport miss) => _misses.TryDequeue(out miss);
}
