namespace WanAccel.Core.Storage;

/// <summary>When <see cref="LogChunkStore"/> calls fsync. It never fsyncs per record (~1 ms each on SSD, ~100x the append).</summary>
public enum ChunkStoreFlushMode
{
    /// <summary>fsync when a segment is sealed (full) and on Dispose. A crash may lose the tail written since.</summary>
    OnSeal,

    /// <summary>As <see cref="OnSeal"/>, plus an fsync of the active segment every <see cref="ChunkStoreOptions.FlushInterval"/>.</summary>
    Periodic,
}
