using WanAccel.Core.Fingerprints;

namespace WanAccel.Core.Knowledge;

/// <summary>
/// What an encoder believes its decoder holds. It may be wrong in both directions: a chunk believed held but gone
/// (evicted, store wiped) comes back as a miss and is resent; a chunk held but not believed held is sent again.
/// Either way the output stays byte-exact, so implementations may be approximate (e.g. keyed by id prefix).
/// </summary>
public interface IPeerKnowledge
{
    bool Has(in ChunkId id);

    void Add(in ChunkId id, int length);

    void Remove(in ChunkId id);

    /// <summary>The most recent manifest known to the peer that starts with <paramref name="firstChunk"/>.</summary>
    bool TryGetManifest(in ChunkId firstChunk, out Manifest manifest);

    void AddManifest(Manifest manifest);

    /// <summary>Forgets everything (the peer restarted with an empty store).</summary>
    void Clear();
}
