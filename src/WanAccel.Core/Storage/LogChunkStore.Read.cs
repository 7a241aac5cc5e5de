using System.Buffers;
using WanAccel.Core.Fingerprints;

namespace WanAccel.Core.Storage;

public sealed partial class LogChunkStore
{
    private enum ReadOutcome
    {
        Found,
        OtherId,
        Corrupt,
        Gone,
    }

    /// <inheritdoc/>
    public int TryRead(in ChunkId id, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<ulong> candidates = stackalloc ulong[ChunkIndex.MaxCandidates];
        int found = _index.Find(id.Prefix, candidates);
        int tooLong = 0;
        for (int i = 0; i < found; i++)
        {
            ulong location = candidates[i];
            var segment = SegmentOf(location);
            if (segment is null)
            {
                continue;
            }

            int length = ChunkLocation.Length(location);
            if (length > destination.Length)
            {
                tooLong = length; // maybe a prefix collision with a longer chunk: try the others first
                continue;
            }

            switch (ReadRecord(segment, location, id, destination))
            {
                case ReadOutcome.Found:
                    Interlocked.Increment(ref _hits);
                    return length;
                case ReadOutcome.Corrupt:
                    lock (_writeLock)
                    {
                        DropCorruptLocked(segment, id.Prefix, location);
                    }

                    break;
            }
        }

        if (tooLong > 0)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; the chunk has {tooLong}.", nameof(destination));
        }

        Interlocked.Increment(ref _misses);
        return -1;
    }

    /// <summary>
    /// Reads and verifies one record with a single pread into a pooled buffer (no allocation; the pool keeps a per-thread
    /// cache), then copies the payload to <paramref name="destination"/> unless it is empty. A failed check never touches
    /// <paramref name="destination"/>.
    /// </summary>
    private ReadOutcome ReadRecord(LogSegment segment, ulong location, in ChunkId id, Span<byte> destination)
    {
        int length = ChunkLocation.Length(location);
        int size = ChunkRecord.SizeOf(length);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var record = buffer.AsSpan(0, size);
            int read;
            try
            {
                read = RandomAccess.Read(segment.Handle, record, ChunkLocation.Offset(location));
            }
            catch (ObjectDisposedException)
            {
                return ReadOutcome.Gone; // evicted between the index lookup and the read
            }

            if (read < size || ChunkRecord.ReadLength(record) != length)
            {
                return ReadOutcome.Corrupt;
            }

            if (_options.VerifyOnRead && !ChunkRecord.ChecksumMatches(record, length))
            {
                return ReadOutcome.Corrupt;
            }

            if (ChunkRecord.ReadId(record) != id)
            {
                return ReadOutcome.OtherId; // a prefix collision, or a location read while it was being replaced
            }

            var payload = record.Slice(ChunkRecord.HeaderSize, length);
            if (_options.VerifyHashOnRead && !id.Matches(payload))
            {
                return ReadOutcome.Corrupt;
            }

            if (!destination.IsEmpty)
            {
                payload.CopyTo(destination);
            }

            return ReadOutcome.Found;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void DropCorruptLocked(LogSegment segment, ulong prefix, ulong location)
    {
        // Counted once: concurrent readers of the same bad record find it already removed.
        if (!_disposed && _index.Remove(prefix, location))
        {
            Interlocked.Increment(ref _corruptRecords);
            ChunkStoreLog.CorruptRecord(_logger, segment.Number, ChunkLocation.Offset(location));
        }
    }
}
