namespace WanAccel.Images.Containers.Qcow2;

/// <summary>
/// Resolves the unallocated ranges of a top layer through its backing disk: they take the backing disk's extents,
/// one layer deeper. Backing space past the backing disk's end stays unallocated (reads as zeros).
/// Shared helper, format-neutral.
/// </summary>
internal static class LayeredExtentMap
{
    public static IReadOnlyList<DiskExtent> Resolve(IReadOnlyList<DiskExtent> top, IVirtualDisk? backing, long length)
    {
        if (backing is null)
        {
            return top;
        }

        var below = backing.GetAllocationMap();
        var builder = new ExtentMapBuilder();
        var j = 0;
        foreach (var extent in top)
        {
            if (extent.Kind != ExtentKind.Unallocated)
            {
                builder.Add(extent.Offset, extent.Length, extent.Kind, extent.FileOffset, extent.Layer);
                continue;
            }

            // Both maps are sorted: advance the backing cursor, never rewind it.
            while (j < below.Count && below[j].End <= extent.Offset)
            {
                j++;
            }

            for (var k = j; k < below.Count && below[k].Offset < extent.End; k++)
            {
                builder.AddClipped(below[k], extent.Offset, extent.End, layerShift: 1);
            }

            builder.Add(builder.End, extent.End - builder.End, ExtentKind.Unallocated);
        }

        return builder.Build(length);
    }

    /// <summary>Reads [offset, offset+buffer.Length) of <paramref name="backing"/>, zeros where it has no data or ends.</summary>
    public static void ReadBacking(IVirtualDisk? backing, long offset, Span<byte> buffer)
    {
        var n = 0;
        if (backing is not null && offset < backing.Length)
        {
            n = backing.ReadAt(offset, buffer[..(int)Math.Min(buffer.Length, backing.Length - offset)]);
        }

        buffer[n..].Clear();
    }
}
