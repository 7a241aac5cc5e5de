namespace WanAccel.Images.Containers.Shared;

/// <summary>
/// A child layer over its parent/backing disk, for every format with a chain (QCOW2, VMDK, VHD, VHDX): unallocated
/// ranges of the child take the parent's extents one layer deeper in the map, and read the parent's bytes.
/// Parent space past the parent's end stays unallocated and reads as zeros.
/// </summary>
internal static class LayeredExtentMap
{
    /// <summary>The map of <paramref name="top"/> resolved through <paramref name="backing"/>; <paramref name="top"/> itself when there is none.</summary>
    public static IReadOnlyList<DiskExtent> Resolve(IReadOnlyList<DiskExtent> top, IVirtualDisk? backing, long length)
        => backing is null ? top : Resolve(top, backing.GetAllocationMap(), length);

    /// <summary>Replaces every unallocated range of <paramref name="top"/> with what <paramref name="below"/> maps there, layers shifted by one.</summary>
    public static IReadOnlyList<DiskExtent> Resolve(IReadOnlyList<DiskExtent> top, IReadOnlyList<DiskExtent> below, long length)
    {
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
