using System.Buffers;
using WanAccel.Core.Codec;
using WanAccel.Core.Fingerprints;
using WanAccel.Core.Wire;

namespace WanAccel.Appliance.Flows;

/// <summary>
/// Feedback a decoder produced, written to the channel by the feedback pump (acks coalesced). Thread-safe: the downstream
/// adds while the pump writes.
/// </summary>
internal sealed class PendingFeedback : IDecoderFeedback
{
    private readonly Lock _lock = new();
    private readonly List<(long Offset, long Length, ChunkId Id)> _misses = [];
    private long _ack = -1;

    public bool HasPending
    {
        get
        {
            lock (_lock)
            {
                return _ack >= 0 || _misses.Count > 0;
            }
        }
    }

    public void OnAck(long offset)
    {
        lock (_lock)
        {
            _ack = Math.Max(_ack, offset);
        }
    }

    public void OnMiss(long offset, long length, in ChunkId id)
    {
        lock (_lock)
        {
            _misses.Add((offset, length, id));
        }
    }

    /// <summary>Writes misses first (so resends start a round trip sooner), then the latest ack; clears.</summary>
    public void WriteTo(IBufferWriter<byte> writer)
    {
        lock (_lock)
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
}
