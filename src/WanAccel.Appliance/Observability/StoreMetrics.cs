using Prometheus;
using WanAccel.Core.Storage;

namespace WanAccel.Appliance.Observability;

/// <summary>Chunk-store size and counters, from <see cref="IChunkStore.GetStatistics"/> at each scrape.</summary>
internal sealed class StoreMetrics
{
    private readonly IChunkStore _store;
    private readonly Gauge _capacity;
    private readonly Gauge _used;
    private readonly Gauge _chunks;
    private readonly Gauge _indexMemory;
    private readonly Counter _reads;
    private readonly Counter _evicted;
    private readonly Counter.Child _corrupt;

    public StoreMetrics(IMetricFactory factory, IChunkStore store, Counter errors)
    {
        _store = store;
        _capacity = factory.CreateGauge("wanaccel_store_capacity_bytes", "Configured bound of the chunk store on disk.");
        _used = factory.CreateGauge("wanaccel_store_used_bytes", "Chunk-store segment bytes on disk (record headers included).");
        _chunks = factory.CreateGauge("wanaccel_store_chunks", "Chunks in the store's index.");
        _indexMemory = factory.CreateGauge("wanaccel_store_index_memory_bytes", "Memory of the store's in-memory index.");
        _reads = factory.CreateCounter("wanaccel_store_reads_total", "Chunk reads from the store: hit = returned the chunk, miss = absent, evicted or failed verification.", ["result"]);
        _evicted = factory.CreateCounter("wanaccel_store_evicted_chunks_total", "Chunks dropped because their segment was evicted (the store is full; oldest segment first).");
        _corrupt = errors.WithLabels(FlowErrorKind.StoreCorrupt);
        _reads.WithLabels("hit");
        _reads.WithLabels("miss");
    }

    public void Collect()
    {
        var stats = _store.GetStatistics();
        _capacity.Set(stats.CapacityBytes);
        _used.Set(stats.UsedBytes);
        _chunks.Set(stats.ChunkCount);
        _indexMemory.Set(stats.IndexMemoryBytes);
        _reads.WithLabels("hit").IncTo(stats.Hits);
        _reads.WithLabels("miss").IncTo(stats.Misses);
        _evicted.IncTo(stats.Evictions);
        _corrupt.IncTo(stats.CorruptRecords);
    }
}
