using System.Buffers;

namespace WanAccel.Core.Storage;

public sealed partial class LogChunkStore
{
    private const int ScanBufferSize = 4 << 20; // ≥ the largest record, and large sequential reads

    /// <summary>
    /// Rebuilds the index: sealed segments from their sidecars (16 bytes per chunk, ~1 ms per 64 MiB segment),
    /// unsealed ones by scanning and checksumming their records, truncating at the first torn or corrupt record.
    /// </summary>
    private (ChunkIndex Index, LogSegment Active, int Scanned) Recover()
    {
        var found = OpenSegmentFiles();
        long used = found.Sum(s => s.Length);
        while (found.Count > 1 && (used > _options.CapacityBytes || found[^1].Number + 1 - found[0].Number >= _ring.Length))
        {
            used -= found[0].Length;
            DiscardSegment(found[0], "over capacity (the capacity was lowered)");
            found.RemoveAt(0);
        }

        var entrySets = new (byte[] Entries, int Count, bool Pooled)[found.Count];
        int scanned = 0;
        bool lastSealed = false;
        for (int i = 0; i < found.Count; i++)
        {
            var segment = found[i];
            byte[]? entries = SegmentIndexFile.TryLoad(segment.IndexPath, segment.Length, out int count);
            bool pooled = entries is not null;
            if (pooled)
            {
                lastSealed = i == found.Count - 1;
            }
            else
            {
                scanned++;
                (entries, count) = Scan(segment);
                if (i < found.Count - 1)
                {
                    RandomAccess.FlushToDisk(segment.Handle); // crashed before its seal: make the data durable first
                    WriteSidecar(segment, entries, count).Seal(segment.Length);
                }
            }

            segment.EntryCount = count;
            entrySets[i] = (entries!, count, pooled);
        }

        var index = new ChunkIndex(entrySets.Sum(e => e.Count));
        for (int i = 0; i < found.Count; i++)
        {
            AddEntries(index, found[i], entrySets[i].Entries, entrySets[i].Count);
            AddSegmentLocked(found[i]);
        }

        var last = entrySets.Length > 0 ? entrySets[^1] : default;

        LogSegment active;
        if (found.Count == 0 || lastSealed)
        {
            active = CreateSegment(found.Count == 0 ? 1 : found[^1].Number + 1);
            AddSegmentLocked(active);
        }
        else
        {
            active = found[^1];
            active.IndexWriter = WriteSidecar(active, last.Entries, last.Count); // rewritten, unsealed
        }

        foreach (var set in entrySets)
        {
            if (set.Pooled)
            {
                ArrayPool<byte>.Shared.Return(set.Entries);
            }
        }

        return (index, active, scanned);
    }

    private List<LogSegment> OpenSegmentFiles()
    {
        var found = new List<LogSegment>();
        foreach (string path in Directory.EnumerateFiles(_directory, "seg-*.log"))
        {
            long number = LogSegment.ParseNumber(path);
            if (number < 0)
            {
                continue;
            }

            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            var segment = new LogSegment(number, _directory, handle, RandomAccess.GetLength(handle));
            if (!LogSegment.HeaderMatches(handle, number))
            {
                DiscardSegment(segment, "bad header (crashed while creating it)");
                continue;
            }

            found.Add(segment);
        }

        found.Sort((a, b) => a.Number.CompareTo(b.Number));
        return found;
    }

    private void DiscardSegment(LogSegment segment, string reason)
    {
        ChunkStoreLog.SegmentDiscarded(_logger, segment.DataPath, reason);
        segment.Handle.Dispose();
        File.Delete(segment.DataPath);
        File.Delete(segment.IndexPath);
    }

    /// <summary>Checksums every record from the start; truncates the file at the first one that fails.</summary>
    private (byte[] Entries, int Count) Scan(LogSegment segment)
    {
        long length = segment.Length;
        long position = LogSegment.HeaderSize;
        var entries = new ArrayBufferWriter<byte>();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ScanBufferSize);
        try
        {
            long bufferStart = 0;
            int buffered = 0;
            while (position + ChunkRecord.Overhead <= length)
            {
                if (position + ChunkRecord.Overhead > bufferStart + buffered)
                {
                    (bufferStart, buffered) = (position, Fill(segment, buffer, position, length));
                }

                int payload = ChunkRecord.ReadLength(buffer.AsSpan((int)(position - bufferStart)));
                int size = ChunkRecord.SizeOf(payload);
                if (payload < 0 || position + size > length)
                {
                    break;
                }

                if (position + size > bufferStart + buffered)
                {
                    (bufferStart, buffered) = (position, Fill(segment, buffer, position, length));
                }

                var record = buffer.AsSpan((int)(position - bufferStart), size);
                if (!ChunkRecord.ChecksumMatches(record, payload))
                {
                    break;
                }

                SegmentIndexFile.WriteEntry(entries.GetSpan(SegmentIndexFile.EntrySize), ChunkRecord.ReadId(record).Prefix, position, payload);
                entries.Advance(SegmentIndexFile.EntrySize);
                position += size;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (position < length)
        {
            ChunkStoreLog.TailDropped(_logger, segment.Number, position, length - position);
            RandomAccess.SetLength(segment.Handle, position);
            RandomAccess.FlushToDisk(segment.Handle);
            segment.Length = position;
        }

        return (entries.WrittenSpan.ToArray(), entries.WrittenCount / SegmentIndexFile.EntrySize);
    }

    private static int Fill(LogSegment segment, byte[] buffer, long position, long length)
    {
        int wanted = (int)Math.Min(buffer.Length, length - position);
        int total = 0;
        while (total < wanted)
        {
            int read = RandomAccess.Read(segment.Handle, buffer.AsSpan(total, wanted - total), position + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private SegmentIndexWriter WriteSidecar(LogSegment segment, byte[] entries, int count)
    {
        var writer = new SegmentIndexWriter(segment.IndexPath, _sidecarHash);
        for (int i = 0; i < count; i++)
        {
            SegmentIndexFile.ReadEntry(entries.AsSpan(i * SegmentIndexFile.EntrySize), out ulong prefix, out long offset, out int length);
            writer.Append(prefix, offset, length);
        }

        return writer;
    }

    private static void AddEntries(ChunkIndex index, LogSegment segment, byte[] entries, int count)
    {
        for (int i = 0; i < count; i++)
        {
            SegmentIndexFile.ReadEntry(entries.AsSpan(i * SegmentIndexFile.EntrySize), out ulong prefix, out long offset, out int length);
            // Defensive: a sidecar passed its checksum, but an entry outside the data would only produce misses.
            if (offset >= LogSegment.HeaderSize && offset % 8 == 0 && length <= ChunkLimits.MaxChunkSize
                && offset + ChunkRecord.SizeOf(length) <= segment.Length)
            {
                index.Add(prefix, ChunkLocation.Pack(segment.Number, offset, length));
            }
        }
    }
}
