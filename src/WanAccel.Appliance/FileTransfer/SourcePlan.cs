using WanAccel.Appliance.FileTransfer.Protocol;
using WanAccel.Images;
using WanAccel.Images.Containers;
using WanAccel.Images.IO;
using WanAccel.Images.Regions;

namespace WanAccel.Appliance.FileTransfer;

/// <summary>
/// Which ranges of a file the sender reads ("smart read"): everything except the holes of a sparse file and, under
/// <see cref="SendPolicy.SkipGuestFree"/> for a recognised VM image, the file ranges of uncompressed stored clusters
/// whose virtual range the guest file system marks free. Those arrive as zeros: the image keeps its format, metadata and
/// virtual size, and every block the guest uses is identical. Container metadata is always read.
/// </summary>
public sealed class SourcePlan
{
    private SourcePlan(long length, IReadOnlyList<SourceSegment> segments, string format)
    {
        Length = length;
        Segments = segments;
        Format = format;
    }

    /// <summary>File length.</summary>
    public long Length { get; }

    /// <summary>Sorted, adjacent segments covering [0, Length).</summary>
    public IReadOnlyList<SourceSegment> Segments { get; }

    /// <summary>What the file was recognised as ("vmdk monolithicSparse", "raw", "file").</summary>
    public string Format { get; }

    public long BytesOf(SegmentKind kind) => Segments.Where(s => s.Kind == kind).Sum(s => s.Length);

    public static SourcePlan Build(string path, SendPolicy policy)
    {
        long length;
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            length = RandomAccess.GetLength(handle); // of the file a symlink leads to, not of the link
        }

        var sparse = SparseFileMap.Map(path, length)
            .Select(e => new SourceSegment(e.Offset, e.Length, e.Kind == ExtentKind.Allocated ? SegmentKind.Read : SegmentKind.Hole))
            .ToList();
        if (policy != SendPolicy.SkipGuestFree)
        {
            return new SourcePlan(length, sparse, "file");
        }

        List<(long Offset, long End)> free;
        string format;
        try
        {
            using var disk = DiskImage.Open(path);
            var allocation = disk.GetAllocationMap();
            var map = DiskRegionMap.Build(disk, allocation);
            free = GuestFreeFileRanges(allocation, map.Regions);
            format = disk.Subformat.Length == 0 ? disk.Format.ToString().ToLowerInvariant() : $"{disk.Format.ToString().ToLowerInvariant()} {disk.Subformat}";
        }
        catch (Exception e) when (e is ImageFormatException or IOException or UnauthorizedAccessException)
        {
            // Not an image we understand: every stored byte is sent, which is always safe.
            return new SourcePlan(length, sparse, "file");
        }

        return new SourcePlan(length, Overlay(sparse, free), format);
    }

    /// <summary>File ranges (sorted, merged) of stored, contiguous, top-layer clusters whose virtual range is guest-free.</summary>
    private static List<(long Offset, long End)> GuestFreeFileRanges(IReadOnlyList<DiskExtent> allocation, IReadOnlyList<DiskRegion> regions)
    {
        var ranges = new List<(long Offset, long End)>();
        var r = 0;
        foreach (var extent in allocation)
        {
            if (extent.Kind != ExtentKind.Allocated || extent.FileOffset < 0 || extent.Layer != 0)
            {
                continue;
            }

            while (r < regions.Count && regions[r].End <= extent.Offset)
            {
                r++;
            }

            for (var i = r; i < regions.Count && regions[i].Offset < extent.End; i++)
            {
                if (regions[i].Kind != RegionKind.GuestFree)
                {
                    continue;
                }

                var start = Math.Max(extent.Offset, regions[i].Offset);
                var end = Math.Min(extent.End, regions[i].End);
                if (end > start)
                {
                    ranges.Add((extent.FileOffset + (start - extent.Offset), extent.FileOffset + (end - extent.Offset)));
                }
            }
        }

        ranges.Sort();
        var merged = new List<(long Offset, long End)>(ranges.Count);
        foreach (var range in ranges)
        {
            if (merged.Count > 0 && range.Offset <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Offset, Math.Max(merged[^1].End, range.End));
            }
            else
            {
                merged.Add(range);
            }
        }

        return merged;
    }

    /// <summary>Marks the parts of Read segments that fall in <paramref name="free"/> as GuestFree.</summary>
    private static List<SourceSegment> Overlay(List<SourceSegment> segments, List<(long Offset, long End)> free)
    {
        var result = new List<SourceSegment>(segments.Count + (2 * free.Count));
        var f = 0;
        foreach (var segment in segments)
        {
            if (segment.Kind != SegmentKind.Read)
            {
                result.Add(segment);
                continue;
            }

            var at = segment.Offset;
            while (f < free.Count && free[f].End <= at)
            {
                f++;
            }

            for (var i = f; i < free.Count && free[i].Offset < segment.End; i++)
            {
                var start = Math.Max(at, free[i].Offset);
                var end = Math.Min(segment.End, free[i].End);
                if (start > at)
                {
                    result.Add(new SourceSegment(at, start - at, SegmentKind.Read));
                }

                result.Add(new SourceSegment(start, end - start, SegmentKind.GuestFree));
                at = end;
            }

            if (at < segment.End)
            {
                result.Add(new SourceSegment(at, segment.End - at, SegmentKind.Read));
            }
        }

        return result;
    }
}
