using WanAccel.Images.Containers;

namespace WanAccel.Images.Regions;

/// <summary>Intersects the container allocation map with the guest's used/free ranges into merged <see cref="DiskRegion"/>s.</summary>
internal static class RegionMapBuilder
{
    /// <summary>
    /// The guest view of [0, <paramref name="length"/>): used/free inside each readable file system, <see cref="RegionKind.Other"/> elsewhere.
    /// Partitions are taken in offset order; overlaps (hostile tables) are clipped so the result stays sorted and disjoint.
    /// </summary>
    public static List<DiskRegion> GuestView(long length, IReadOnlyList<MappedPartition> partitions)
    {
        var view = new List<DiskRegion>();
        long cursor = 0;
        foreach (var mp in partitions.Where(p => p.FileSystem is not null).OrderBy(p => p.Partition.Offset))
        {
            var fs = mp.FileSystem!;
            var start = mp.Partition.Offset;
            var fsEnd = Math.Min(Math.Min(start + fs.TotalBytes, mp.Partition.End), length);
            if (start < cursor || start >= fsEnd)
            {
                continue;
            }

            Add(view, cursor, start, RegionKind.Other);
            var pos = start;
            foreach (var used in fs.UsedRanges)
            {
                var s = Math.Max(start + used.Offset, pos);
                var e = Math.Min(start + used.End, fsEnd);
                if (e <= s)
                {
                    continue;
                }

                Add(view, pos, s, RegionKind.GuestFree);
                Add(view, s, e, RegionKind.GuestUsed);
                pos = e;
            }

            Add(view, pos, fsEnd, RegionKind.GuestFree);
            cursor = fsEnd;
        }

        Add(view, cursor, length, RegionKind.Other);
        return view;
    }

    /// <summary>Overlays the guest view on the allocated extents of the container map; merges neighbours of equal kind.</summary>
    public static List<DiskRegion> Combine(long length, IReadOnlyList<DiskExtent> allocation, List<DiskRegion> guest)
    {
        var result = new List<DiskRegion>();
        var g = 0;
        long cursor = 0;
        foreach (var extent in allocation)
        {
            var s = Math.Max(extent.Offset, cursor);
            var e = Math.Min(extent.End, length);
            if (e <= s)
            {
                continue;
            }

            // A gap in a (malformed) container map is treated as allocated: sending it is the safe side.
            Overlay(result, guest, ref g, cursor, s);
            if (extent.Kind == ExtentKind.Allocated)
            {
                Overlay(result, guest, ref g, s, e);
            }
            else
            {
                Add(result, s, e, extent.Kind == ExtentKind.Zero ? RegionKind.Zero : RegionKind.ContainerUnallocated);
            }

            cursor = e;
        }

        Overlay(result, guest, ref g, cursor, length);
        return result;
    }

    private static void Overlay(List<DiskRegion> result, List<DiskRegion> guest, ref int g, long s, long e)
    {
        while (g < guest.Count && guest[g].End <= s)
        {
            g++;
        }

        for (var i = g; i < guest.Count && guest[i].Offset < e; i++)
        {
            Add(result, Math.Max(s, guest[i].Offset), Math.Min(e, guest[i].End), guest[i].Kind);
        }
    }

    private static void Add(List<DiskRegion> list, long start, long end, RegionKind kind)
    {
        if (end <= start)
        {
            return;
        }

        if (list.Count > 0 && list[^1].Kind == kind && list[^1].End == start)
        {
            list[^1] = list[^1] with { Length = end - list[^1].Offset };
            return;
        }

        list.Add(new DiskRegion(start, end - start, kind));
    }
}
