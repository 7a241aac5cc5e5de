using System.Diagnostics;
using System.IO.Hashing;
using System.Numerics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WanAccel.Core.Fingerprints;

namespace WanAccel.Core.Storage;

/// <summary>
/// The persistent chunk store: an append-only log of checksummed records in a ring of segment files, with an
/// in-memory hash index of id prefix → location.
/// <para>
/// Eviction is FIFO by segment: when the next record would exceed <see cref="ChunkStoreOptions.CapacityBytes"/>, the
/// oldest segment file is deleted. Writes are purely sequential, nothing is ever rewritten or compacted (zero write
/// amplification, no GC pauses as in LSM or log-cleaning designs), and eviction costs one unlink plus one index removal
/// per chunk. For a WAN cache, insertion recency is a good proxy for usefulness: repeats come from the same image being
/// sent again soon (nightly backups, VM templates), and a chunk that keeps being referenced is re-sent and re-added once
/// it has aged out. LRU would need an access-ordered structure or re-appending hot chunks (write amplification on
/// reads); it is left out until hit statistics show FIFO losing.
/// </para>
/// <para>
/// Index memory: 16 bytes per entry at a load of 0.53–0.8, i.e. 20–30 bytes per chunk (reported by
/// <see cref="ChunkStoreStatistics.IndexMemoryBytes"/>); measured 22.9 B/chunk on a 6.5 GB store of 8 KiB chunks
/// (18 MB for 786k chunks), so a 10 GiB store needs 26–40 MB. Only the
/// 8-byte id prefix is in memory, so <see cref="Contains"/> and <see cref="TryGetLength"/> answer from the prefix:
/// a false positive (2^-64 per pair) costs a miss and a re-send upstream. <see cref="TryRead"/> compares the full
/// 32-byte id stored in the record, so a prefix collision can never serve the wrong chunk.
/// </para>
/// <para>
/// Durability: records are written with pwrite straight into the page cache (no user-space buffer, so readers see
/// them at once) and fsynced when a segment is sealed, on Dispose, and optionally every
/// <see cref="ChunkStoreOptions.FlushInterval"/>. After a crash the records since the last fsync may be lost; a torn or
/// corrupt tail is detected by the record checksum and truncated on open. Loss only costs re-sends; bytes that do not
/// match their id are never returned.
/// </para>
/// </summary>
public sealed partial class LogChunkStore : IChunkStore
{
    private const string LockFileName = "store.lock";

    // Records written with one pwrite (a literal batch of 1 MiB with its record headers fits).
    private const int BatchBytes = (2 << 20) + ChunkRecord.MaxSize;

    private readonly ChunkStoreOptions _options;
    private readonly ILogger _logger;
    private readonly string _directory;
    private readonly Lock _writeLock = new();
    private readonly LogSegment?[] _ring;
    private readonly int _ringMask;
    private readonly List<LogSegment> _segments = [];
    private readonly XxHash3 _sidecarHash = new();
    private readonly byte[] _batchBuffer = GC.AllocateUninitializedArray<byte>(BatchBytes);
    private readonly List<BatchEntry> _batchEntries = [];
    private readonly HashSet<ChunkId> _batchIds = []; // repeats within one AddRange are stored once
    private int _batched;
    private readonly FileStream _lockFile;
    private readonly ChunkIndex _index;
    private readonly ITimer? _flushTimer;
    private LogSegment _active;
    private long _usedBytes;
    private long _hits;
    private long _misses;
    private long _evictions;
    private long _corruptRecords;
    private volatile bool _disposed;

    private LogChunkStore(ChunkStoreOptions options, ILogger logger, TimeProvider timeProvider)
    {
        _options = options;
        _logger = logger;
        _directory = System.IO.Path.GetFullPath(options.Path);
        // A power of two covering every live segment number, so number & mask finds a segment without a dictionary.
        _ring = new LogSegment?[(int)BitOperations.RoundUpToPowerOf2((uint)(options.CapacityBytes / options.EffectiveSegmentBytes + 2))];
        _ringMask = _ring.Length - 1;

        Directory.CreateDirectory(_directory);
        // FileShare.None takes an exclusive flock on Linux: two processes appending to one store would corrupt it.
        _lockFile = new FileStream(System.IO.Path.Combine(_directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        try
        {
            var stopwatch = Stopwatch.StartNew();
            (_index, _active, int scanned) = Recover();
            ChunkStoreLog.Opened(_logger, _directory, _segments.Count, _index.Count, _usedBytes, scanned, stopwatch.ElapsedMilliseconds);
        }
        catch
        {
            foreach (var segment in _segments)
            {
                segment.Handle.Dispose();
                segment.IndexWriter?.Dispose();
            }

            _lockFile.Dispose();
            throw;
        }

        if (options.FlushMode == ChunkStoreFlushMode.Periodic)
        {
            _flushTimer = timeProvider.CreateTimer(_ => FlushActive(), null, options.FlushInterval, options.FlushInterval);
        }
    }

    /// <summary>
    /// Opens (or creates) the store in <see cref="ChunkStoreOptions.Path"/>, recovering from a crash if needed.
    /// Throws <see cref="ArgumentException"/> listing every options error.
    /// </summary>
    public static LogChunkStore Open(ChunkStoreOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid chunk store options: " + string.Join(" ", errors), nameof(options));
        }

        return new LogChunkStore(options, logger ?? NullLogger.Instance, timeProvider ?? TimeProvider.System);
    }

    /// <inheritdoc/>
    public bool Contains(in ChunkId id) => TryGetLength(id, out _);

    /// <inheritdoc/>
    public bool TryGetLength(in ChunkId id, out int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<ulong> candidates = stackalloc ulong[ChunkIndex.MaxCandidates];
        int found = _index.Find(id.Prefix, candidates);
        for (int i = 0; i < found; i++)
        {
            if (SegmentOf(candidates[i]) is not null)
            {
                length = ChunkLocation.Length(candidates[i]);
                return true;
            }
        }

        length = 0;
        return false;
    }

    /// <inheritdoc/>
    public ChunkStoreStatistics GetStatistics() => new()
    {
        CapacityBytes = _options.CapacityBytes,
        UsedBytes = Volatile.Read(ref _usedBytes),
        ChunkCount = _index.Count,
        IndexMemoryBytes = _index.MemoryBytes + ((long)_ring.Length * IntPtr.Size),
        Hits = Interlocked.Read(ref _hits),
        Misses = Interlocked.Read(ref _misses),
        Evictions = Interlocked.Read(ref _evictions),
        CorruptRecords = Interlocked.Read(ref _corruptRecords),
    };

    /// <summary>Writes the active segment's sidecar buffer, fsyncs it, and closes every file.</summary>
    public void Dispose()
    {
        lock (_writeLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _flushTimer?.Dispose();
            _active.IndexWriter?.Close();
            RandomAccess.FlushToDisk(_active.Handle);
            CloseFiles();
        }
    }

    /// <summary>Test hook: closes every file without flushing anything, as <c>kill -9</c> would.</summary>
    internal void Abandon()
    {
        lock (_writeLock)
        {
            _disposed = true;
            _flushTimer?.Dispose();
            _active.IndexWriter?.Dispose();
            CloseFiles();
        }
    }

    private void CloseFiles()
    {
        foreach (var segment in _segments)
        {
            Volatile.Write(ref _ring[segment.Number & _ringMask], null);
            segment.Handle.Dispose();
        }

        _lockFile.Dispose();
    }

    private LogSegment? SegmentOf(ulong location)
    {
        int tag = ChunkLocation.SegmentTag(location);
        var segment = Volatile.Read(ref _ring[tag & _ringMask]);
        return segment is not null && (segment.Number & 0xFFFF) == tag ? segment : null;
    }

    private void FlushActive()
    {
        LogSegment active;
        lock (_writeLock)
        {
            if (_disposed)
            {
                return;
            }

            active = _active;
        }

        try
        {
            RandomAccess.FlushToDisk(active.Handle); // outside the lock: appends continue during the fsync
        }
        catch (ObjectDisposedException)
        {
            // Sealed and evicted meanwhile; sealing fsynced it.
        }
    }
}
