namespace WanAccel.Core.Storage;

/// <summary>When <see cref="LogChunkStore"/> calls fsync. It never fsyncs per record (~1 ms each on SSD, ~100x the append).</summary>
public enum ChunkStoreFlushMode
{
    /// <summary>fsync when a segment is sealed (full) and on Dispose. A crash may lose the tail written since.</summary>
    OnSeal,

    /// <summary>As <see cref="OnSeal"/>, plus an fsync of the active segment every <see cref="ChunkStoreOptions.FlushInterval"/>.</summary>
    Periodic,

    /// <summary>
    /// fsync only on Dispose; the kernel writes back on its own (~30 s). Seals never stall appends, but after a power
    /// loss sealed segments may hold unwritten records: reads verify them, drop them as corrupt and return -1.
    /// </summary>
    Never,
}
