using System.Buffers.Binary;
using WanAccel.Images.IO;

namespace WanAccel.Images.Containers.Vhdx;

/// <summary>
/// Replays a dirty VHDX log in memory (MS-VHDX 2.3): finds the active sequence (consecutive valid entries whose
/// head's Tail points into the sequence, highest head sequence number wins) and applies its data and zero
/// descriptors, tail to head, to a <see cref="LogReplayedSource"/>. The file is never written.
/// </summary>
internal static class VhdxLog
{
    /// <summary>Largest log accepted: Hyper-V and qemu write 1 MiB; every 4 KiB slot may be a candidate entry, so this bounds the scan.</summary>
    public const long MaxLogLength = 16L << 20;

    /// <summary>Most descriptors replayed in total (a 1 MiB log holds at most ~250 data descriptors).</summary>
    public const int MaxDescriptors = 65536;

    /// <summary>Highest file offset a descriptor may touch (far beyond any 64 TiB image, far below overflow).</summary>
    private const long MaxFileOffset = 1L << 50;

    private const int Page = 4096;
    private const int EntryHeaderSize = 64;

    private sealed record Entry(int Position, uint Length, uint Tail, ulong Sequence, ulong FlushedFileOffset, int DescriptorCount);

    public static LogReplayedSource Replay(string path, IByteSource file, VhdxHeader header)
    {
        if (header.LogVersion != 0)
        {
            throw new ImageFormatException(ImageError.Unsupported, $"{path}: VHDX log version {header.LogVersion}");
        }

        const long mib = 1L << 20;
        if (header.LogLength == 0 || header.LogLength % mib != 0 || header.LogOffset % mib != 0 || header.LogOffset < mib)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX log [{header.LogOffset}, +{header.LogLength}) is not 1 MiB aligned");
        }

        if (header.LogLength > MaxLogLength)
        {
            throw new ImageFormatException(ImageError.LimitExceeded, $"{path}: VHDX log of {header.LogLength} bytes exceeds {MaxLogLength}");
        }

        if (header.LogOffset > (ulong)(file.Length - header.LogLength))
        {
            throw new ImageFormatException(ImageError.Truncated, $"{path}: VHDX log [{header.LogOffset}, +{header.LogLength}) lies beyond the end");
        }

        var log = new byte[header.LogLength];
        file.ReadExactlyAt((long)header.LogOffset, log, $"{path}: VHDX log");
        var active = FindActiveSequence(log, header.LogGuid)
            ?? throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX log is dirty but holds no valid entry sequence");

        var head = active[^1];
        if ((ulong)file.Length < head.FlushedFileOffset)
        {
            throw new ImageFormatException(ImageError.Corrupt, $"{path}: file is shorter ({file.Length}) than the log's flushed file offset {head.FlushedFileOffset}");
        }

        var total = active.Sum(e => (long)e.DescriptorCount);
        if (total > MaxDescriptors)
        {
            throw new ImageFormatException(ImageError.LimitExceeded, $"{path}: VHDX log replay of {total} descriptors exceeds {MaxDescriptors}");
        }

        var result = new LogReplayedSource(file);
        foreach (var entry in active)
        {
            Apply(path, entry, EntryBytes(log, entry.Position, entry.Length), result);
        }

        result.Seal();
        return result;
    }

    private static List<Entry>? FindActiveSequence(byte[] log, Guid logGuid)
    {
        var slots = log.Length / Page;
        var parsed = new Dictionary<int, Entry?>();
        var covered = new bool[slots];
        List<Entry>? best = null;
        for (var p = 0; p < slots; p++)
        {
            if (covered[p] || Parse(log, p * Page, logGuid, parsed) is not { } first)
            {
                continue;
            }

            var sequence = new List<Entry> { first };
            covered[p] = true;
            while (sequence.Count < slots)
            {
                var last = sequence[^1];
                var next = (int)((last.Position + (long)last.Length) % log.Length);
                if (next == first.Position || Parse(log, next, logGuid, parsed) is not { } e || e.Sequence != last.Sequence + 1)
                {
                    break;
                }

                sequence.Add(e);
                covered[next / Page] = true;
            }

            var headEntry = sequence[^1];
            var tail = sequence.FindIndex(e => e.Position == headEntry.Tail);
            if (tail >= 0 && (best is null || headEntry.Sequence > best[^1].Sequence))
            {
                best = sequence.GetRange(tail, sequence.Count - tail);
            }
        }

        return best;
    }

    /// <summary>A valid entry at <paramref name="position"/>: signature, GUID, lengths, CRC-32C, descriptor and data-sector sequence numbers.</summary>
    private static Entry? Parse(byte[] log, int position, Guid logGuid, Dictionary<int, Entry?> memo)
    {
        if (memo.TryGetValue(position, out var known))
        {
            return known;
        }

        memo[position] = null;
        var h = log.AsSpan(position, Page);
        if (!h[..4].SequenceEqual("loge"u8) || new Guid(h.Slice(32, 16)) != logGuid)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(h[8..]);
        var tail = BinaryPrimitives.ReadUInt32LittleEndian(h[12..]);
        var sequence = BinaryPrimitives.ReadUInt64LittleEndian(h[16..]);
        var count = BinaryPrimitives.ReadUInt32LittleEndian(h[24..]);
        if (length < Page || length % Page != 0 || length > log.Length || tail % Page != 0 || tail >= log.Length || sequence == 0
            || count > (length - EntryHeaderSize) / 32)
        {
            return null;
        }

        var bytes = EntryBytes(log, position, length).Span;
        if (!Crc32C.Verify(bytes, 4))
        {
            return null;
        }

        var descriptorArea = (EntryHeaderSize + ((long)count * 32) + Page - 1) / Page * Page;
        var dataSectors = 0L;
        for (var i = 0; i < count; i++)
        {
            var d = bytes.Slice(EntryHeaderSize + (i * 32), 32);
            var isData = d[..4].SequenceEqual("desc"u8);
            if ((!isData && !d[..4].SequenceEqual("zero"u8)) || BinaryPrimitives.ReadUInt64LittleEndian(d[24..]) != sequence)
            {
                return null;
            }

            if (isData)
            {
                var sectorAt = descriptorArea + (dataSectors * Page);
                if (sectorAt + Page > length)
                {
                    return null;
                }

                var s = bytes.Slice((int)sectorAt, Page);
                if (!s[..4].SequenceEqual("data"u8)
                    || BinaryPrimitives.ReadUInt32LittleEndian(s[4..]) != (uint)(sequence >> 32)
                    || BinaryPrimitives.ReadUInt32LittleEndian(s[4092..]) != (uint)sequence)
                {
                    return null;
                }

                dataSectors++;
            }
        }

        if (descriptorArea + (dataSectors * Page) > length)
        {
            return null;
        }

        var entry = new Entry(position, length, tail, sequence, BinaryPrimitives.ReadUInt64LittleEndian(h[48..]), (int)count);
        memo[position] = entry;
        return entry;
    }

    /// <summary>The entry's bytes; copied only when it wraps around the end of the circular log (memo holds no copies).</summary>
    private static ReadOnlyMemory<byte> EntryBytes(byte[] log, int position, uint length)
    {
        if (position + (long)length <= log.Length)
        {
            return log.AsMemory(position, (int)length);
        }

        var bytes = new byte[length];
        var first = log.Length - position;
        log.AsSpan(position, first).CopyTo(bytes);
        log.AsSpan(0, (int)length - first).CopyTo(bytes.AsSpan(first));
        return bytes;
    }

    private static void Apply(string path, Entry entry, ReadOnlyMemory<byte> memory, LogReplayedSource target)
    {
        var bytes = memory.Span;
        var descriptorArea = (EntryHeaderSize + (entry.DescriptorCount * 32) + Page - 1) / Page * Page;
        var dataSector = 0;
        for (var i = 0; i < entry.DescriptorCount; i++)
        {
            var d = bytes.Slice(EntryHeaderSize + (i * 32), 32);
            var offset = BinaryPrimitives.ReadUInt64LittleEndian(d[16..]);
            if (d[..4].SequenceEqual("zero"u8))
            {
                var length = BinaryPrimitives.ReadUInt64LittleEndian(d[8..]);
                if (offset % Page != 0 || length % Page != 0 || offset > MaxFileOffset || length > MaxFileOffset)
                {
                    throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX log zero descriptor [{offset}, +{length}) is invalid");
                }

                target.Zero((long)offset, (long)length);
                continue;
            }

            if (offset % Page != 0 || offset > MaxFileOffset)
            {
                throw new ImageFormatException(ImageError.Corrupt, $"{path}: VHDX log data descriptor offset {offset} is invalid");
            }

            // The 4 KiB page = 8 leading bytes (descriptor) + 4084 bytes (data sector) + 4 trailing bytes (descriptor).
            var s = bytes.Slice(descriptorArea + (dataSector * Page), Page);
            var page = new byte[Page];
            d.Slice(8, 8).CopyTo(page);
            s.Slice(8, 4084).CopyTo(page.AsSpan(8));
            d.Slice(4, 4).CopyTo(page.AsSpan(4092));
            target.WritePage((long)offset, page);
            dataSector++;
        }
    }
}
