using WanAccel.Core.Fingerprints;

namespace WanAccel.Core.Tests.Storage;

/// <summary>A deterministic chunk of pseudo-random bytes and its real SHA-256 id.</summary>
internal sealed record TestChunk(ChunkId Id, byte[] Data)
{
    public static TestChunk Create(int seed, int length)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return new TestChunk(ChunkId.Compute(data), data);
    }

    public static TestChunk[] Many(int count, int length, int seed = 1) =>
        [.. Enumerable.Range(seed, count).Select(i => Create(i, length))];

    /// <summary>Chunks of 1..maxLength bytes.</summary>
    public static TestChunk[] Varied(int count, int maxLength, int seed = 1)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(seed, count).Select(i => Create(i, random.Next(1, maxLength + 1)))];
    }
}
