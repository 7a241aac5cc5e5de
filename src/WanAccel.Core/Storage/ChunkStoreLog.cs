using Microsoft.Extensions.Logging;

namespace WanAccel.Core.Storage;

/// <summary>Log messages of the chunk store (event ids 2100–2199).</summary>
internal static partial class ChunkStoreLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information,
        Message = "Chunk store {Path} opened: {Segments} segments, {Chunks} chunks, {UsedBytes} bytes, {ScannedSegments} segments scanned, in {ElapsedMs} ms")]
    public static partial void Opened(ILogger logger, string path, int segments, long chunks, long usedBytes, int scannedSegments, long elapsedMs);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning,
        Message = "Segment {Segment}: dropped a torn or corrupt tail of {Bytes} bytes at offset {Offset}")]
    public static partial void TailDropped(ILogger logger, long segment, long offset, long bytes);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning,
        Message = "Segment {Segment}: record at offset {Offset} failed verification and was dropped from the index")]
    public static partial void CorruptRecord(ILogger logger, long segment, long offset);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Debug,
        Message = "Segment {Segment} evicted: {Chunks} chunks, {Bytes} bytes")]
    public static partial void SegmentEvicted(ILogger logger, long segment, int chunks, long bytes);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning,
        Message = "Segment file {File} discarded: {Reason}")]
    public static partial void SegmentDiscarded(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning,
        Message = "Segment {Segment}: index sidecar unreadable at eviction, index rebuilt by sweep")]
    public static partial void SidecarLost(ILogger logger, long segment);
}
