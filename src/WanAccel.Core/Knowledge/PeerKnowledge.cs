using WanAccel.Core.Fingerprints;

namespace WanAccel.Core.Knowledge;

/// <summary>
/// In-memory peer knowledge that mirrors a FIFO store on the other side: it remembers chunks in the order it sent them
/// and forgets the oldest once their bytes exceed the peer's capacity, so it rarely references what the peer evicted.
/// Keys are 64-bit id prefixes (~40 bytes per chunk with the FIFO queue); a prefix collision only causes a miss and a resend.
/// Thread-safe.
/// </summary>
public sealed class PeerKnowledge : IPeerKnowledge
{
    private readonly Lock _lock = new();
    private readonly HashSet<ulong> _chunks = [];
    private readonly Queue<(ulong Prefix, int Length)> _order = new();
    private readonly Dictionary<ulong, Manifest> _manifestsByFirstChunk = [];
    private readonly Queue<ulong> _manifestOrder = new();
    private readonly long _capacityBytes;
    private readonly int _maxManifests;
    private long _bytes;

    /// <param name="capacityBytes">The peer store's capacity; older knowledge is dropped beyond it.</param>
    /// <param name="maxManifests">Manifests remembered (each ~8 KiB at 256 chunks); default covers ~64 GiB of data.</param>
    public PeerKnowledge(long capacityBytes, int maxManifests = 131_072)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacityBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxManifests);
        _capacityBytes = capacityBytes;
        _maxManifests = maxManifests;
    }

    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _chunks.Count;
            }
        }
    }

    public bool Has(in ChunkId id)
    {
        lock (_lock)
        {
            return _chunks.Contains(id.Prefix);
        }
    }

    public void Add(in ChunkId id, int length)
    {
        lock (_lock)
        {
            AddLocked(id.Prefix, length);
        }
    }

    public void Remove(in ChunkId id)
    {
        lock (_lock)
        {
            // The FIFO entry stays queued and is skipped when it reaches the head; its bytes still count, which only
            // makes the model forget a little early.
            _chunks.Remove(id.Prefix);
        }
    }

    public bool TryGetManifest(in ChunkId firstChunk, out Manifest manifest)
    {
        lock (_lock)
        {
            if (_manifestsByFirstChunk.TryGetValue(firstChunk.Prefix, out var found)
                && found.Chunks[0] == firstChunk
                && _chunks.Contains(found.Id.Prefix))
            {
                manifest = found;
                return true;
            }
        }

        manifest = null!;
        return false;
    }

    public void AddManifest(Manifest manifest)
    {
        lock (_lock)
        {
            var key = manifest.Chunks[0].Prefix;
            if (_manifestsByFirstChunk.TryAdd(key, manifest))
            {
                _manifestOrder.Enqueue(key);
                while (_manifestOrder.Count > _maxManifests && _manifestOrder.TryDequeue(out var oldest))
                {
                    _manifestsByFirstChunk.Remove(oldest);
                }
            }
            else
            {
                _manifestsByFirstChunk[key] = manifest;
            }

            AddLocked(manifest.Id.Prefix, manifest.Chunks.Length * ChunkId.Size);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _chunks.Clear();
            _order.Clear();
            _manifestsByFirstChunk.Clear();
            _manifestOrder.Clear();
            _bytes = 0;
        }
    }

    private void AddLocked(ulong prefix, int length)
    {
        if (!_chunks.Add(prefix))
        {
            return;
        }

        _order.Enqueue((prefix, length));
        _bytes += length;
        while (_bytes > _capacityBytes && _order.TryDequeue(out var oldest))
        {
            _bytes -= oldest.Length;
            _chunks.Remove(oldest.Prefix);
        }
    }
}
