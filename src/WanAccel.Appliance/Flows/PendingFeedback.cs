using System.Buffers;
using WanAccel.Core.Codec;
using WanAccel.Core.Fingerprints;
using WanAccel.Core.Wire;

namespace WanAccel.Appliance.Flows;

/// <summary>Feedback a decoder produced while decoding a batch of frames, written to the channel after the batch (acks coalesced).</summary>
internal sealed class PendingFeedback : IDecoderFeedback
{
    private readonly List<(long Offset, long Length, ChunkId Id)> _misses = [];
    private long _ack = -1;

    public bool HasPending => _ack >= 0 || _misses.Count > 0;

    public void OnAck(long offset) => _ack = Math.Max(_ack, offset);

    public void OnMiss(long offset, long length, in ChunkId id) => _misses.Add((offset, length, id));

    /// <summary>Writes misses first (so resends start a round trip sooner), then the latest ack; clears.</summary>
    public void WriteTo(IBufferWriter<byte> writer)
    {
        foreach (var (offset, length, id) in _misses)
        {
            FeedbackWriter.WriteMiss(writer, offset, length, id);
        }

        if (_ack >= 0)
        {
            FeedbackWriter.WriteAck(writer, _ack);
        }

        _misses.Clear();
        _ack = -1;
    }
}
