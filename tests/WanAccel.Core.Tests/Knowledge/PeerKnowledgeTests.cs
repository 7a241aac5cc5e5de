using WanAccel.Core.Fingerprints;
using WanAccel.Core.Knowledge;

namespace WanAccel.Core.Tests.Knowledge;

public sealed class PeerKnowledgeTests
{
    [Fact]
    public void Add_BeyondCapacity_ForgetsOldestFirst()
    {
        var knowledge = new PeerKnowledge(capacityBytes: 3 * 1000);
        var ids = Enumerable.Range(0, 5).Select(i => ChunkId.Compute([(byte)i])).ToArray();

        foreach (var id in ids)
        {
            knowledge.Add(id, 1000);
        }

        Assert.False(knowledge.Has(ids[0]));
        Assert.False(knowledge.Has(ids[1]));
        Assert.True(knowledge.Has(ids[2]));
        Assert.True(knowledge.Has(ids[4]));
        Assert.Equal(3, knowledge.Count);
    }

    [Fact]
    public void TryGetManifest_AfterManifestMissed_NotFound()
    {
        var knowledge = new PeerKnowledge(1 << 20);
        ChunkId[] chunks = [ChunkId.Compute([1]), ChunkId.Compute([2])];
        var manifest = new Manifest(Manifest.ComputeId(chunks), chunks, 2);
        knowledge.AddManifest(manifest);
        Assert.True(knowledge.TryGetManifest(chunks[0], out var found));
        Assert.Same(manifest, found);

        knowledge.Remove(manifest.Id);

        Assert.False(knowledge.TryGetManifest(chunks[0], out _));
    }

    [Fact]
    public void Clear_ForgetsEverything()
    {
        var knowledge = new PeerKnowledge(1 << 20);
        var id = ChunkId.Compute([7]);
        knowledge.Add(id, 10);

        knowledge.Clear();

        Assert.False(knowledge.Has(id));
        Assert.Equal(0, knowledge.Count);
    }
}
