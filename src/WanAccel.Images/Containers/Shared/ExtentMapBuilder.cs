namespace WanAccel.Images.Containers.Shared;

/// <summary>
/// Builds an allocation map in offset order, merging an extent into the previous one when kind and layer match and,
/// for stored data, the file offsets continue (so a merged extent never claims a contiguity that is not there).
/// Used by every block-mapped reader (QCOW2, VMDK, VDI, VHD, VHDX) and by <see cref="LayeredExtentMap"/>.
/// </summary>
internal sealed class ExtentMapBuilder
{
    private readonly List<DiskExtent> _extents = [];

    /// <summary>End of the last extent added: the next one must start here.</summary>
    public long End { get; private set; }

    /// <summary>Appends [offset, offset+length); <paramref name="offset"/> must equal <see cref="End"/>.</summary>
    public void Add(long offset, long length, ExtentKind kind, long fileOffset = -1, int layer = 0)
    {
        if (length <= 0)
        {
            return;
        }

        if (offset != End)
        {
            throw new InvalidOperationException($"extent at {offset} does not continue the map at {End}");
        }

        if (kind == ExtentKind.Unallocated)
        {
            layer = 0;
        }

        if (kind != ExtentKind.Allocated || fileOffset < 0)
        {
            fileOffset = -1;
        }

        End = offset + length;
        if (_extents.Count > 0)
        {
            var last = _extents[^1];
            var continues = fileOffset < 0
                ? last.FileOffset < 0
                : last.FileOffset >= 0 && last.FileOffset + last.Length == fileOffset;
            if (last.Kind == kind && last.Layer == layer && continues)
            {
                _extents[^1] = last with { Length = last.Length + length };
                return;
            }
        }

        _extents.Add(new DiskExtent(offset, length, kind, fileOffset, layer));
    }

    /// <summary>Adds the part of <paramref name="extent"/> inside [from, to), shifting layer by <paramref name="layerShift"/>.</summary>
    public void AddClipped(DiskExtent extent, long from, long to, int layerShift = 0)
    {
        var start = Math.Max(extent.Offset, from);
        var end = Math.Min(extent.End, to);
        if (end <= start)
        {
            return;
        }

        var fileOffset = extent.FileOffset >= 0 ? extent.FileOffset + (start - extent.Offset) : -1;
        Add(start, end - start, extent.Kind, fileOffset, extent.Layer + layerShift);
    }

    /// <summary>Finishes the map, covering [0, <paramref name="length"/>) with unallocated space after the last extent.</summary>
    public IReadOnlyList<DiskExtent> Build(long length)
    {
        Add(End, length - End, ExtentKind.Unallocated);
        return _extents;
    }
}
