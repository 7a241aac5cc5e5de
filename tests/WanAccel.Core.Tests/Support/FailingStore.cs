using WanAccel.Core.Fingerprints;
using WanAccel.Core.Storage;

namespace WanAccel.Core.Tests.Support;

/// <summary>A real store whose appends fail with "no space left" after the first <paramref name="goodAppends"/> calls.</summary>
internal sealed class FailingStore(IChunkStore inner, int goodAppends) : IChunkStore
{
    private int _appends;

    public bool Contains(in ChunkId id) => inner.Contains(id);

    public bool TryGetLength(in ChunkId id, out int length) => inner.TryGetLength(id, out length);

    public int TryRead(in ChunkId id, Span<byte> destination) => inner.TryRead(id, destination);

    public bool TryAdd(in ChunkId id, ReadOnlySpan<byte> data) => AddRange(new ReadOnlySpan<ChunkId>(in id), [data.Length], data) == 1;

    public int AddRange(ReadOnlySpan<ChunkId> ids, ReadOnlySpan<int> lengths, ReadOnlySpan<byte> data) =>
        Interlocked.Increment(ref _appends) > goodAppends
            ? throw new IOException("No space left on device")
            : inner.AddRange(ids, lengths, data);

    public ChunkStoreStatistics GetStatistics() => inner.GetStatistics();

    public void Dispose()
    {
    }
}
