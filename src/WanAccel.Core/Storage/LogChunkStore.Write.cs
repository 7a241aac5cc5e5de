using System.Buffers;
using System.Diagnostics;
using WanAccel.Core.Fingerprints;

namespace WanAccel.Core.Storage;

public sealed partial class LogChunkStore
{
    /// <inheritdoc/>
    public bool TryAdd(in ChunkId id, ReadOnlySpan<byte> data) =>
        AddRange(new ReadOnlySpan<ChunkId>(in id), [data.Length], data) == 1;

    /// <inheritdoc/>
    /// <remarks>
    /// Under the write lock: the new records are laid out in one buffer (one memcpy and one XxHash3 each) and written
    /// with one pwrite per batch of up to <see cref="BatchBytes"/>, then indexed; no fsync. A chunk larger than the whole
    /// capacity (only in stores under 1 MiB) is skipped. I/O errors (disk full) propagate; chunks of the failed batch are
    /// not indexed and its partial records are overwritten by the next append.
    /// </remarks>
    public int AddRange(ReadOnlySpan<ChunkId> ids, ReadOnlySpan<int> lengths, ReadOnlySpan<byte> data)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(lengths.Length, ids.Length, nameof(lengths));
        long total = 0;
        foreach (var length in lengths)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(length, ChunkLimits.MaxChunkSize, nameof(lengths));
            ArgumentOutOfRangeException.ThrowIfNegative(length, nameof(lengths));
            total += length;
        }

        ArgumentOutOfRangeException.ThrowIfNotEqual(total, data.Length, nameof(lengths));
        var added = 0;
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                var offset = 0;
                for (var i = 0; i < ids.Length; i++)
                {
                    var chunk = data.Slice(offset, lengths[i]);
                    offset += chunk.Length;
                    int size = ChunkRecord.SizeOf(chunk.Length);
                    if (_batchIds.Contains(ids[i]) || ContainsVerifiedLocked(ids[i]) || size > _options.CapacityBytes - LogSegment.HeaderSize)
                    {
                        continue;
                    }

                    if (_batched > 0 && (_batched + size > BatchBytes
                        || _active.Length + _batched + size > _options.EffectiveSegmentBytes
                        || _usedBytes + _batched + size > _options.CapacityBytes))
                    {
                        WriteBatchLocked(); // the next record needs a roll or an eviction first
                    }

                    if (_batched == 0)
                    {
                        EnsureRoomLocked(size);
                    }

                    ChunkRecord.Write(_batchBuffer.AsSpan(_batched), ids[i], chunk);
                    _batchEntries.Add(new BatchEntry(ids[i].Prefix, _active.Length + _batched, chunk.Length));
                    _batchIds.Add(ids[i]);
                    _batched += size;
                    added++;
                }

                WriteBatchLocked();
            }
            catch
            {
                ClearBatch();
                throw;
            }
        }

        return added;
    }

    /// <summary>Writes the batch at the end of the active segment, then indexes its records (published after the bytes).</summary>
    private void WriteBatchLocked()
    {
        if (_batched == 0)
        {
            return;
        }

        var segment = _active;
        try
        {
            RandomAccess.Write(segment.Handle, _batchBuffer.AsSpan(0, _batched), segment.Length);
            foreach (var entry in _batchEntries)
            {
                segment.IndexWriter!.Append(entry.Prefix, entry.Offset, entry.Length);
                segment.EntryCount++;
                _index.Add(entry.Prefix, ChunkLocation.Pack(segment.Number, entry.Offset, entry.Length));
            }

            segment.Length += _batched;
            Volatile.Write(ref _usedBytes, _usedBytes + _batched);
        }
        finally
        {
            ClearBatch();
        }
    }

    private void ClearBatch()
    {
        _batched = 0;
        _batchEntries.Clear();
        _batchIds.Clear();
    }

    /// <summary>
    /// True when a record with the full <paramref name="id"/> is stored and intact. Reads from disk only when the prefix
    /// is already indexed (a duplicate add, or a prefix collision that must not block storing the new chunk).
    /// </summary>
    private bool ContainsVerifiedLocked(in ChunkId id)
    {
        Span<ulong> candidates = stackalloc ulong[ChunkIndex.MaxCandidates];
        int found = _index.Find(id.Prefix, candidates);
        for (int i = 0; i < found; i++)
        {
            var segment = SegmentOf(candidates[i]);
            if (segment is null)
            {
                continue;
            }

            switch (ReadRecord(segment, candidates[i], id, default))
            {
                case ReadOutcome.Found:
                    return true;
                case ReadOutcome.Corrupt:
                    DropCorruptLocked(segment, id.Prefix, candidates[i]);
                    break;
            }
        }

        return false;
    }

    private void EnsureRoomLocked(int size)
    {
        if (_active.Length + size > _options.EffectiveSegmentBytes && _active.Length > LogSegment.HeaderSize)
        {
            RollLocked();
        }

        while (_usedBytes + size > _options.CapacityBytes)
        {
            if (_segments.Count == 1)
            {
                RollLocked(); // only the active segment is left: seal it so it can be evicted
                continue;
            }

            EvictOldestLocked();
        }
    }

    /// <summary>Seals the active segment (fsync data, then the sidecar with its trailer) and starts the next one.</summary>
    private void RollLocked()
    {
        var sealing = _active;
        bool durable = _options.FlushMode != ChunkStoreFlushMode.Never;
        if (durable)
        {
            RandomAccess.FlushToDisk(sealing.Handle); // data before the trailer that vouches for it
        }

        sealing.IndexWriter!.Seal(sealing.Length, durable);
        sealing.IndexWriter = null;

        long number = sealing.Number + 1;
        while (_segments.Count > 0 && _segments[0].Number <= number - _ring.Length)
        {
            EvictOldestLocked(); // keep live numbers within the ring (only with many undersized segments)
        }

        _active = CreateSegment(number);
        AddSegmentLocked(_active);
    }

    private LogSegment CreateSegment(long number)
    {
        string path = LogSegment.DataPathOf(_directory, number);
        var handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        LogSegment.WriteHeader(handle, number);
        var segment = new LogSegment(number, _directory, handle, LogSegment.HeaderSize);
        segment.IndexWriter = new SegmentIndexWriter(segment.IndexPath, _sidecarHash);
        return segment;
    }

    private void AddSegmentLocked(LogSegment segment)
    {
        _segments.Add(segment);
        Volatile.Write(ref _ring[segment.Number & _ringMask], segment);
        Volatile.Write(ref _usedBytes, _usedBytes + segment.Length);
    }

    /// <summary>Deletes the oldest sealed segment and removes its chunks from the index, guided by its sidecar.</summary>
    private void EvictOldestLocked()
    {
        var segment = _segments[0];
        Debug.Assert(segment != _active, "the active segment is never evicted");
        _segments.RemoveAt(0);
        Volatile.Write(ref _ring[segment.Number & _ringMask], null); // readers treat its entries as absent from here on

        byte[]? entries = SegmentIndexFile.TryLoad(segment.IndexPath, segment.Length, out int count); // pooled: no garbage per segment
        if (entries is null)
        {
            ChunkStoreLog.SidecarLost(_logger, segment.Number);
            _index.RemoveSegment((int)(segment.Number & 0xFFFF));
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                SegmentIndexFile.ReadEntry(entries.AsSpan(i * SegmentIndexFile.EntrySize), out ulong prefix, out long offset, out int length);
                _index.Remove(prefix, ChunkLocation.Pack(segment.Number, offset, length));
            }

            ArrayPool<byte>.Shared.Return(entries);
        }

        Volatile.Write(ref _usedBytes, _usedBytes - segment.Length);
        Interlocked.Add(ref _evictions, segment.EntryCount);
        segment.Handle.Dispose(); // in-flight preads hold a reference; later ones get ObjectDisposedException
        File.Delete(segment.DataPath);
        File.Delete(segment.IndexPath);
        ChunkStoreLog.SegmentEvicted(_logger, segment.Number, segment.EntryCount, segment.Length);
    }
}
